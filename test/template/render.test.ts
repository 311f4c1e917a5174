import { describe, expect, it } from "vitest"
import { BridgeError } from "../../src/errors.js"
import { renderTemplate } from "../../src/template/render.js"

const r = (src: string, values: Record<string, string> = {}): string => renderTemplate(src, values)
const fails = (src: string, values: Record<string, string> = {}): BridgeError => {
  try {
    renderTemplate(src, values)
  } catch (err) {
    if (err instanceof BridgeError) return err
    throw err
  }
  throw new Error("expected the template to fail")
}

describe("renderTemplate: ESO documented examples", () => {
  it("should fill a config file from fetched values", () => {
    const tpl = 'database_connection_string: "postgres://{{ .username }}:{{ .password }}@{{ .host }}:5432/db"'
    expect(r(tpl, { username: "app", password: "pw", host: "db.local" })).toBe(
      'database_connection_string: "postgres://app:pw@db.local:5432/db"',
    )
  })

  it("should build a docker config with printf and b64enc", () => {
    const tpl = '{"auths":{"{{ .registry }}":{"auth":"{{ printf "%s:%s" .user .pass | b64enc }}"}}}'
    expect(r(tpl, { registry: "ghcr.io", user: "u", pass: "p" })).toBe(
      '{"auths":{"ghcr.io":{"auth":"dTpw"}}}',
    )
  })

  it("should decode, convert case and chain pipelines", () => {
    expect(r("{{ .cert | b64dec }}", { cert: "aGVsbG8=" })).toBe("hello")
    expect(r("{{ .v | toString | upper }}", { v: "abc" })).toBe("ABC")
    expect(r("{{ .v | lower | trim | quote }}", { v: "  ABC " })).toBe('"abc"')
    expect(r('{{ .v | replace "-" "_" }}', { v: "a-b-c" })).toBe("a_b_c")
    expect(r("{{ .v | sha256sum }}", { v: "abc" })).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    )
  })

  it("should read JSON values with fromJson and print them the way Go does", () => {
    const v = { creds: '{"user":"admin","port":5432,"ratio":0.5,"big":1000000,"tags":["a","b"]}' }
    expect(r("{{ (.creds | fromJson).user }}", v)).toBe("admin")
    expect(r("{{ (.creds | fromJson).port }}", v)).toBe("5432")
    expect(r("{{ (.creds | fromJson).big }}", v)).toBe("1e+06")
    expect(r("{{ (.creds | fromJson).tags }}", v)).toBe("[a b]")
    expect(r("{{ .creds | fromJson | toJson }}", v)).toBe(
      '{"big":1000000,"port":5432,"ratio":0.5,"tags":["a","b"],"user":"admin"}',
    )
    expect(r('{{ index (.creds | fromJson) "user" }}', v)).toBe("admin")
  })

  it("should range over a decoded map in key order with trim markers", () => {
    const tpl = `{{- range $k, $v := (.env | fromJson) }}
{{ $k }}={{ $v }}
{{- end }}`
    expect(r(tpl, { env: '{"B":"2","A":"1"}' })).toBe("\nA=1\nB=2")
  })

  it("should indent a YAML block with nindent and toYaml", () => {
    const tpl = "config:{{ .cfg | fromJson | toYaml | nindent 2 }}"
    expect(r(tpl, { cfg: '{"b":{"c":1},"a":"x"}' })).toBe("config:\n  a: x\n  b:\n    c: 1")
    expect(r("{{ `a\nb` | indent 4 }}")).toBe("    a\n    b")
  })

  it("should apply default, empty, ternary and coalesce", () => {
    expect(r('{{ .v | default "fallback" }}', { v: "" })).toBe("fallback")
    expect(r('{{ .v | default "fallback" }}', { v: "set" })).toBe("set")
    expect(r("{{ if empty .v }}none{{ else }}some{{ end }}", { v: "" })).toBe("none")
    expect(r('{{ ternary "yes" "no" (eq .v "x") }}', { v: "x" })).toBe("yes")
    expect(r('{{ coalesce .a .b "c" }}', { a: "", b: "" })).toBe("c")
  })
})

describe("renderTemplate: Go text/template semantics", () => {
  it("should handle if / else if / else, with and variables", () => {
    const tpl = '{{ if eq .env "prod" }}P{{ else if eq .env "dev" }}D{{ else }}O{{ end }}'
    expect([r(tpl, { env: "prod" }), r(tpl, { env: "dev" }), r(tpl, { env: "x" })]).toEqual(["P", "D", "O"])
    expect(r("{{ with .v }}[{{ . }}]{{ else }}empty{{ end }}", { v: "" })).toBe("empty")
    expect(r('{{ $x := .v }}{{ $x }}{{ $x = "b" }}{{ $x }}', { v: "a" })).toBe("ab")
    expect(
      r("{{ range $i, $e := list 1 2 3 }}{{ if eq $e 2 }}{{ continue }}{{ end }}{{ $i }}{{ end }}"),
    ).toBe("02")
    expect(r("{{ range list 1 2 3 }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}")).toBe("1")
    expect(r("{{ range list }}x{{ else }}none{{ end }}")).toBe("none")
  })

  it("should evaluate and/or lazily, not, len, index, comparisons and comments", () => {
    expect(r("{{ and .a .b }}|{{ or .a .b }}", { a: "", b: "y" })).toBe("|y")
    expect(r("{{ not .a }}", { a: "" })).toBe("true")
    expect(r("{{ len .a }}", { a: "héllo" })).toBe("6")
    expect(r("{{ index (list 10 20) 1 }}")).toBe("20")
    expect(r('{{ lt 1 2 }} {{ ge 2 3 }} {{ ne .a "x" }}', { a: "y" })).toBe("true false true")
    expect(r("a{{/* a comment */}}b {{- /* trimmed */ -}} c")).toBe("abc")
    expect(r('{{ $ := 1 }}{{ printf "%05.1f|%-4s|%q|%x|%d" 3.14159 "ab" "q" 255 -7 }}')).toBe(
      '003.1|ab  |"q"|ff|-7',
    )
  })

  it("should fail on a missing key (ESO sets missingkey=error), naming the key", () => {
    const err = fails("{{ .nope }}", { present: "s3cr3t" })
    expect(err.code).toBe("CONFIG")
    expect(err.message).toContain('"nope"')
    expect(err.message).not.toContain("s3cr3t")
  })

  it("should not echo a value when a function fails on it", () => {
    const err = fails("{{ .v | fromJson }}", { v: "s3cr3t-not-json" })
    expect(err.message).toContain("error calling fromJson: value is not valid JSON")
    expect(err.message).not.toContain("s3cr3t")
    expect(fails("{{ .v | b64dec }}", { v: "s3cr3t!" }).message).not.toContain("s3cr3t")
  })

  it("should refuse unsupported functions by name, at parse time", () => {
    expect(fails("{{ .v | pkcs12key }}", { v: "x" }).message).toContain('function "pkcs12key"')
    expect(fails('{{ env "HOME" }}').message).toContain('function "env"')
    expect(fails('{{ template "x" }}').message).toContain("{{template}} is not supported")
  })

  it("should report syntax errors with the line", () => {
    expect(fails("line1\n{{ if .a }}unclosed").message).toMatch(/template:2: missing \{\{end\}\}/)
    expect(fails("{{ .a ").message).toContain("unclosed action")
    expect(fails("{{ end }}").message).toContain("unexpected {{end}}")
  })

  it("should bound execution: steps and output size", () => {
    expect(fails("{{ range $i := 100000 }}{{ range $j := 100000 }}x{{ end }}{{ end }}").message).toMatch(
      /exceeds/,
    )
    expect(fails('{{ repeat 100000000 "x" }}').message).toMatch(/too large/)
    const big = renderTemplate(
      "{{ range $i := 50 }}{{ $.v }}{{ end }}",
      { v: "y".repeat(100) },
      {
        maxOutput: 10_000,
        maxSteps: 1000,
      },
    )
    expect(big.length).toBe(5000)
    expect(() =>
      renderTemplate(
        "{{ range $i := 200 }}{{ $.v }}{{ end }}",
        { v: "y".repeat(100) },
        { maxOutput: 10_000, maxSteps: 1000 },
      ),
    ).toThrow(/output exceeds/)
  })

  it("should keep helper semantics: dict/get/hasKey/keys, split, join, regex", () => {
    expect(
      r('{{ $d := dict "a" 1 "b" 2 }}{{ keys $d | join "," }} {{ get $d "a" }} {{ hasKey $d "c" }}'),
    ).toBe("a,b 1 false")
    expect(r('{{ (split "." .host)._0 }}', { host: "db.example.com" })).toBe("db")
    expect(r('{{ splitList "," .v | join "|" }}', { v: "a,b" })).toBe("a|b")
    expect(r('{{ regexReplaceAll "(\\\\w+)@(\\\\w+)" .v "${2}_$1" }}', { v: "me@host" })).toBe("host_me")
    expect(r('{{ regexMatch "^[a-z]+$" .v }}', { v: "abc" })).toBe("true")
  })
})
