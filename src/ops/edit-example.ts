import type { FormatName } from "../formats/format.js"

const WELCOME = "Welcome to SOPS! Edit this file as you please!"

/**
 * What `sops edit` puts in the editor for a file that does not exist yet, byte for byte as
 * sops 3.13 writes it per format (its stores' EmitExample), so the first edit looks the same
 * with either tool.
 */
export const EDIT_EXAMPLES = {
  yaml:
    `hello: ${WELCOME}\nexample_key: example_value\n# Example comment\nexample_array:\n` +
    `    - example_value1\n    - example_value2\nexample_number: 1234.56789\nexample_booleans:\n` +
    `    - true\n    - false\n`,
  json:
    `{\n\t"hello": "${WELCOME}",\n\t"example_key": "example_value",\n\t"example_array": [\n` +
    `\t\t"example_value1",\n\t\t"example_value2"\n\t],\n\t"example_number": 1234.56789,\n` +
    `\t"example_booleans": [\n\t\ttrue,\n\t\tfalse\n\t]\n}\n`,
  dotenv: `# This is an example file.\nhello=${WELCOME}\nexample_key=example_value\nexample_multiline=foo\\nbar\\nbaz\n`,
  ini: `; This is an example file.\n[Welcome!]\nhello       = ${WELCOME}\nexample_key = example_value\n`,
  binary: WELCOME,
} as const satisfies Record<FormatName, string>
