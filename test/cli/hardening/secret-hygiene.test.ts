import { spawn } from "node:child_process"
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { newAgeKey } from "../../helpers/age-setup.js"
import { runCli, tempDir } from "../../helpers/cli-io.js"

// Secret hygiene (issue 8), as a property: a random secret value sent through every error path
// of the shipped CLI (wrong key, broken MAC, unparsable input, key service down, interrupted
// write) never shows up in stdout, stderr, a file left beside the target, or the command line
// of the running process (or of the editor it starts). CI: HYGIENE_RUNS (default 3) secrets;
// `npm run test:crash` draws 40.
const BIN = fileURLToPath(new URL("../../../dist/cli/bin.js", import.meta.url))
const RUNS = Number(process.env["HYGIENE_RUNS"] ?? 3)

const tmp = tempDir("sealbridge-hygiene-")
afterAll(tmp.cleanup)
let right: Awaited<ReturnType<typeof newAgeKey>>
let wrong: Awaited<ReturnType<typeof newAgeKey>>
let closedPort: number

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address()
      srv.close(() => resolve(typeof addr === "object" && addr !== null ? addr.port : 0))
    })
  })
}

beforeAll(async () => {
  mkdirSync(join(tmp.path, "right"))
  mkdirSync(join(tmp.path, "wrong"))
  right = await newAgeKey(join(tmp.path, "right"))
  wrong = await newAgeKey(join(tmp.path, "wrong"))
  closedPort = await freePort()
}, 60_000)

interface Observed {
  readonly code: number | null
  readonly out: string
  /** Every /proc/<pid>/cmdline read while the process ran. */
  readonly cmdlines: string[]
}

/** Runs the built CLI, sampling its command line while it runs; optionally signals it. */
function observe(
  args: string[],
  env: Record<string, string>,
  kill?: { signal: NodeJS.Signals; afterMs: number },
): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env["PATH"] ?? "", HOME: "/nonexistent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let out = ""
    const cmdlines: string[] = []
    const sample = (): void => {
      try {
        cmdlines.push(readFileSync(`/proc/${String(child.pid)}/cmdline`, "utf8"))
      } catch {
        // The process has ended between samples.
      }
    }
    const poll = setInterval(sample, 15)
    sample()
    const timer = kill === undefined ? undefined : setTimeout(() => child.kill(kill.signal), kill.afterMs)
    child.stdout.on("data", (d: Buffer) => (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => (out += d.toString()))
    child.on("error", reject)
    child.on("close", (code) => {
      clearInterval(poll)
      clearTimeout(timer)
      resolve({ code, out, cmdlines })
    })
  })
}

function expectClean(o: Observed, secret: string, what: string): void {
  expect(o.out.includes(secret), `${what}: output holds the secret`).toBe(false)
  for (const c of o.cmdlines) expect(c.includes(secret), `${what}: command line holds the secret`).toBe(false)
}

/** Files in `dir` (recursively) other than `keep` that hold the secret. */
function filesWithSecret(dir: string, secret: string, keep: readonly string[]): string[] {
  const hits: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (keep.includes(p)) continue
    if (statSync(p).isDirectory()) hits.push(...filesWithSecret(p, secret, keep))
    else if (readFileSync(p, "utf8").includes(secret)) hits.push(p)
  }
  return hits
}

// Values the error text could plausibly echo: letters and digits, long enough to be unmistakable.
const secretArb = fc.stringMatching(/^[A-Za-z0-9]{16,28}$/).map((s) => `S3cr${s}`)

describe("secret hygiene on error paths", () => {
  let n = 0
  it(
    "a random secret never appears in output, command lines or leftover files",
    async () => {
      await fc.assert(
        fc.asyncProperty(secretArb, fc.double({ min: 0, max: 1, noNaN: true }), async (secret, when) => {
          const dir = join(tmp.path, `case-${String(n++)}`)
          mkdirSync(dir)
          const plainText = `password: ${secret}\nuser: admin\n`
          const plain = join(dir, "app.yaml")
          writeFileSync(plain, plainText)
          const sealed = join(dir, "sealed.yaml")
          copyFileSync(plain, sealed)
          const enc = await runCli(["encrypt", "-i", "--age", right.recipient, sealed], { env: right.env })
          expect(enc.code).toBe(0)

          // Wrong key.
          expectClean(await observe(["decrypt", sealed], wrong.env), secret, "wrong key")

          // A MAC from another file sealed with the same key.
          const other = join(dir, "other.yaml")
          writeFileSync(other, "password: different\nuser: admin\n")
          expect(
            (await runCli(["encrypt", "-i", "--age", right.recipient, other], { env: right.env })).code,
          ).toBe(0)
          const macOf = (t: string): string => /^ {4}mac: (.*)$/m.exec(t)?.[1] ?? ""
          const tampered = join(dir, "tampered.yaml")
          const sealedText = readFileSync(sealed, "utf8")
          writeFileSync(tampered, sealedText.replace(macOf(sealedText), macOf(readFileSync(other, "utf8"))))
          const mac = await observe(["decrypt", tampered], right.env)
          expect(mac.code).toBe(51)
          expectClean(mac, secret, "bad MAC")

          // Input that does not parse, the secret next to the error.
          const broken: [string, string][] = [
            ["broken.yaml", `password: "${secret}\nuser: [admin\n`],
            ["broken2.yaml", `password: ${secret}\n  user: : admin\n`],
            ["broken.json", `{"password": "${secret}", }`],
            ["broken.env", `${secret}\n`],
            ["broken.ini", `[s]\n${secret}\n`],
          ]
          for (const [name, text] of broken) {
            const p = join(dir, name)
            writeFileSync(p, text)
            const r = await observe(["encrypt", "--age", right.recipient, p], {})
            expect(r.code, name).not.toBe(0)
            expectClean(r, secret, name)
          }

          // Key services down (a closed port): KMS and Vault transit.
          const down = `127.0.0.1:${String(closedPort)}`
          const kms = await observe(
            ["encrypt", "--key-timeout", "5s", "--kms", "arn:aws:kms:us-east-1:000000000000:key/x", plain],
            {
              AWS_ENDPOINT_URL: `http://${down}`,
              AWS_ACCESS_KEY_ID: "test",
              AWS_SECRET_ACCESS_KEY: "test",
              AWS_REGION: "us-east-1",
            },
          )
          expect(kms.code).not.toBe(0)
          expectClean(kms, secret, "kms down")
          const vault = await observe(
            [
              "encrypt",
              "--key-timeout",
              "5s",
              "--hc-vault-transit",
              `http://${down}/v1/transit/keys/k`,
              plain,
            ],
            { VAULT_TOKEN: "test" },
          )
          expect(vault.code).not.toBe(0)
          expectClean(vault, secret, "vault down")

          // An editor sees a temp file name, never the value, in its arguments or its parent's.
          const log = join(tmp.path, `editor-${String(n)}.log`)
          const editor = join(tmp.path, `editor-${String(n)}.sh`)
          writeFileSync(
            editor,
            `#!/bin/sh\n{ echo "$@"; tr '\\0' ' ' < /proc/$PPID/cmdline; } > "${log}"\nsed -i 's/^user: .*/user: root/' "$1"\n`,
            { mode: 0o755 },
          )
          const edited = join(dir, "edited.yaml")
          copyFileSync(sealed, edited)
          const ed = await observe(["edit", edited], { ...right.env, EDITOR: editor, TMPDIR: dir })
          expect(ed.code).toBe(0)
          expectClean(ed, secret, "edit")
          expect(readFileSync(log, "utf8").includes(secret)).toBe(false)

          // Interrupted decrypt -i: a catchable signal leaves nothing; SIGKILL's leftover is gone
          // after the next run on the same file.
          for (const signal of ["SIGTERM", "SIGKILL"] as const) {
            const target = join(dir, `interrupted-${signal}.yaml`)
            copyFileSync(sealed, target)
            const r = await observe(["decrypt", "-i", target], right.env, {
              signal,
              afterMs: 100 + when * 600,
            })
            expectClean(r, secret, `decrypt -i ${signal}`)
            if (signal === "SIGKILL") await runCli(["decrypt", target], { env: right.env })
            // The targets themselves may hold the plaintext: decrypt -i may have finished.
            const targets = ["SIGTERM", "SIGKILL"].map((sig) => join(dir, `interrupted-${sig}.yaml`))
            const keep = [plain, ...targets, ...broken.map(([f]) => join(dir, f))]
            expect(filesWithSecret(dir, secret, keep), `after ${signal}`).toEqual([])
          }
        }),
        // No shrinking: each try costs a dozen processes; the failing secret is printed as drawn.
        { numRuns: RUNS, endOnFailure: true },
      )
    },
    120_000 + RUNS * 60_000,
  )
})
