import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Command } from "commander"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { controllerOptions } from "../../controller/flags.js"
import { realIO } from "../../cli/io.js"
import { buildProgram } from "../../cli/program.js"
import { runCli, tempDir } from "../helpers/cli-io.js"

// Issue 8, defect 10: every flag a command's --help lists works. Each listed flag has either an
// entry in EVIDENCE (a test file that exercises it; checked to exist and to name the flag) or a
// probe below that runs it here and shows its effect. A flag added to --help without either fails
// the first test; an entry for a flag no longer listed fails it too.
const repo = fileURLToPath(new URL("../../", import.meta.url))

/** Flags listed in the Options section of every command's help, by command path. */
function listedFlags(): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const visit = (cmd: Command, path: string): void => {
    const options = (cmd.helpInformation().split(/^Options:$/m)[1] ?? "").split(/^\S/m)[0] ?? ""
    out[path === "" ? "(top)" : path] = [...options.matchAll(/^ {2}(?:-\w, )?(--[a-z0-9-]+)/gm)]
      .map((m) => m[1] ?? "")
      .filter((f) => f !== "--help")
    for (const sub of cmd.commands) visit(sub, `${path} ${sub.name()}`.trim())
  }
  visit(buildProgram(realIO()), "")
  return out
}

const EVIDENCE: Record<string, Record<string, string>> = {
  "(top)": {
    "--version": "test/helpers/built-cli.ts",
    "--encrypt": "test/integration/scan-sops.test.ts",
    "--add-age": "test/integration/rotate-tree.test.ts",
    "--rm-age": "test/cli/rotate.test.ts",
    "--add-kms": "test/integration/key-rotate-faults.test.ts",
    "--rm-kms": "test/integration/key-rotate-faults.test.ts",
    "--add-pgp": "test/integration/pgp-rotate.test.ts",
    "--rm-pgp": "test/integration/pgp-rotate.test.ts",
    "--add-hc-vault-transit": "test/integration/key-rotate-faults.test.ts",
    "--rm-hc-vault-transit": "test/integration/key-rotate-faults.test.ts",
    "--set": "test/integration/set-interop.test.ts",
    "--age": "test/integration/selection-interop.test.ts",
    "--kms": "test/integration/groups-interop.test.ts",
    "--pgp": "test/integration/pgp-keys.test.ts",
    "--hc-vault-transit": "test/integration/groups-interop.test.ts",
    "--aws-profile": "test/integration/kms-keys.test.ts",
    "--encryption-context": "test/integration/groups-interop.test.ts",
    "--unencrypted-suffix": "test/helpers/selection-oracle.ts",
    "--encrypted-suffix": "test/helpers/selection-oracle.ts",
    "--unencrypted-regex": "test/helpers/selection-oracle.ts",
    "--encrypted-regex": "test/helpers/selection-oracle.ts",
    "--unencrypted-comment-regex": "test/helpers/selection-oracle.ts",
    "--encrypted-comment-regex": "test/helpers/selection-oracle.ts",
    "--mac-only-encrypted": "test/integration/selection-interop.test.ts",
    "--shamir-secret-sharing-threshold": "test/integration/groups-interop.test.ts",
    "--extract": "test/integration/set-interop.test.ts",
    "--ignore-mac": "test/integration/pgp-keys.test.ts",
    "--in-place": "test/integration/scan-sops.test.ts",
    "--output": "test/cli/tamper.test.ts",
    "--input-type": "test/integration/controller-aws.test.ts",
    "--output-type": "test/integration/controller-aws.test.ts",
    "--filename-override": "test/integration/git-setup.test.ts",
    "--config": "test/integration/pgp-keys.test.ts",
    "--indent": "test/cli/encrypt-decrypt.test.ts",
    "--debug": "test/integration/kms-keys.test.ts",
    "--key-timeout": "test/integration/key-rotate-faults.test.ts",
  },
  encrypt: {
    "--age": "test/integration/controller-aws.test.ts",
    "--kms": "test/integration/groups-interop.test.ts",
    "--pgp": "test/integration/pgp-keys.test.ts",
    "--hc-vault-transit": "test/integration/groups-interop.test.ts",
    "--aws-profile": "test/integration/kms-keys.test.ts",
    "--encryption-context": "test/integration/groups-interop.test.ts",
    "--unencrypted-suffix": "test/helpers/selection-oracle.ts",
    "--encrypted-suffix": "test/integration/sops-interop.test.ts",
    "--unencrypted-regex": "test/integration/sops-interop.test.ts",
    "--encrypted-regex": "test/integration/sops-interop.test.ts",
    "--unencrypted-comment-regex": "test/helpers/selection-oracle.ts",
    "--encrypted-comment-regex": "test/helpers/selection-oracle.ts",
    "--mac-only-encrypted": "test/integration/sops-interop.test.ts",
    "--shamir-secret-sharing-threshold": "test/integration/groups-interop.test.ts",
    "--in-place": "test/integration/scan-sops.test.ts",
    "--output": "test/cli/tamper.test.ts",
    "--input-type": "test/integration/controller-aws.test.ts",
    "--output-type": "test/integration/controller-aws.test.ts",
    "--filename-override": "test/integration/git-setup.test.ts",
    "--config": "test/integration/pgp-keys.test.ts",
    "--indent": "test/cli/encrypt-decrypt.test.ts",
    "--debug": "test/integration/kms-keys.test.ts",
    "--key-timeout": "test/integration/key-rotate-faults.test.ts",
  },
  decrypt: {
    "--extract": "test/integration/set-interop.test.ts",
    "--ignore-mac": "test/integration/pgp-keys.test.ts",
    "--in-place": "test/integration/scan-sops.test.ts",
    "--output": "test/cli/tamper.test.ts",
    "--input-type": "test/integration/sops-hardening.test.ts",
    "--output-type": "test/integration/sops-hardening.test.ts",
    "--filename-override": "test/integration/sops-hardening.test.ts",
    "--indent": "test/cli/encrypt-decrypt.test.ts",
    "--debug": "test/integration/kms-keys.test.ts",
    "--key-timeout": "test/integration/key-rotate-faults.test.ts",
  },
  edit: {
    "--age": "test/integration/selection-interop.test.ts",
    "--kms": "test/cli/error-hints.test.ts",
    "--pgp": "test/integration/pgp-keys.test.ts",
    "--hc-vault-transit": "test/cli/hardening/secret-hygiene.test.ts",
    "--aws-profile": "test/integration/kms-keys.test.ts",
    "--encryption-context": "test/cli/error-hints.test.ts",
    "--unencrypted-suffix": "test/helpers/selection-oracle.ts",
    "--encrypted-suffix": "test/helpers/selection-oracle.ts",
    "--unencrypted-regex": "test/helpers/selection-oracle.ts",
    "--encrypted-regex": "test/integration/selection-interop.test.ts",
    "--unencrypted-comment-regex": "test/integration/selection-interop.test.ts",
    "--encrypted-comment-regex": "test/integration/selection-interop.test.ts",
    "--mac-only-encrypted": "test/integration/selection-interop.test.ts",
    "--shamir-secret-sharing-threshold": "test/integration/groups-interop.test.ts",
    "--input-type": "test/integration/sops-hardening.test.ts",
    "--debug": "test/integration/kms-keys.test.ts",
    "--key-timeout": "test/cli/error-hints.test.ts",
  },
  set: {
    "--input-type": "test/integration/sops-hardening.test.ts",
    "--output-type": "test/integration/sops-hardening.test.ts",
    "--value-file": "test/integration/set-interop.test.ts",
    "--value-stdin": "test/integration/set-interop.test.ts",
    "--idempotent": "test/integration/set-interop.test.ts",
    "--ignore-mac": "test/cli/mac-tamper.test.ts",
    "--shamir-secret-sharing-threshold": "test/integration/groups-interop.test.ts",
  },
  unset: {
    "--input-type": "test/integration/set-interop.test.ts",
    "--output-type": "test/integration/set-interop.test.ts",
    "--idempotent": "test/integration/set-interop.test.ts",
    "--ignore-mac": "test/integration/pgp-keys.test.ts",
  },
  rotate: {
    "--add-age": "test/integration/rotate-tree.test.ts",
    "--rm-age": "test/cli/rotate.test.ts",
    "--add-kms": "test/integration/key-rotate-faults.test.ts",
    "--rm-kms": "test/integration/key-rotate-faults.test.ts",
    "--add-pgp": "test/integration/pgp-rotate.test.ts",
    "--rm-pgp": "test/integration/pgp-rotate.test.ts",
    "--add-hc-vault-transit": "test/integration/key-rotate-faults.test.ts",
    "--rm-hc-vault-transit": "test/integration/key-rotate-faults.test.ts",
    "--aws-profile": "test/integration/kms-keys.test.ts",
    "--encryption-context": "test/integration/groups-interop.test.ts",
    "--recursive": "test/integration/rotate-tree.test.ts",
    "--dry-run": "test/integration/rotate-tree.test.ts",
    "--in-place": "test/integration/scan-sops.test.ts",
    "--output": "test/cli/rotate.test.ts",
    "--input-type": "test/integration/sops-hardening.test.ts",
    "--debug": "test/integration/kms-keys.test.ts",
    "--key-timeout": "test/integration/key-rotate-faults.test.ts",
  },
  filestatus: {
    "--input-type": "test/integration/sops-hardening.test.ts",
  },
  keygen: {
    "--output": "test/cli/tamper.test.ts",
  },
  scan: {
    "--staged": "test/scan/cli/scan-git.test.ts",
    "--git": "test/scan/cli/scan-git.test.ts",
    "--stdin": "test/scan/cli/scan-worktree.test.ts",
    "--stdin-path": "test/scan/cli/scan-worktree.test.ts",
    "--format": "test/integration/scan-sops.test.ts",
    "--output": "test/cli/error-hints.test.ts",
    "--baseline": "test/scan/cli/suppression.test.ts",
    "--write-baseline": "test/scan/cli/suppression.test.ts",
    "--config": "test/integration/pgp-keys.test.ts",
    "--max-file-size": "test/scan/cli/scan-worktree.test.ts",
    "--no-progress": "test/scan/cli/history-scale.test.ts",
  },
  hook: {},
  "hook install": {
    "--force": "test/scan/cli/sarif-hook.test.ts",
  },
  "exec-env": {
    "--background": "test/integration/exec-interop.test.ts",
    "--pristine": "test/integration/exec-interop.test.ts",
  },
  "exec-file": {
    "--background": "test/integration/exec-interop.test.ts",
    "--no-fifo": "test/integration/exec-interop.test.ts",
    "--input-type": "test/integration/sops-hardening.test.ts",
    "--output-type": "test/integration/exec-interop.test.ts",
    "--filename": "test/integration/exec-interop.test.ts",
  },
  updatekeys: {
    "--input-type": "test/integration/sops-hardening.test.ts",
    "--config": "test/integration/pgp-keys.test.ts",
    "--shamir-secret-sharing-threshold": "test/integration/groups-interop.test.ts",
    "--recursive": "test/integration/rotate-tree.test.ts",
    "--dry-run": "test/integration/updatekeys-interop.test.ts",
  },
  git: {},
  "git setup": {
    "--undo": "test/integration/git-setup.test.ts",
    "--config": "test/integration/pgp-keys.test.ts",
  },
  "git textconv": {},
  groups: {},
  "groups add": {
    "--file": "test/integration/groups-interop.test.ts",
    "--pgp": "test/integration/pgp-keys.test.ts",
    "--kms": "test/integration/groups-interop.test.ts",
    "--aws-profile": "test/integration/kms-keys.test.ts",
    "--hc-vault-transit": "test/integration/groups-interop.test.ts",
    "--age": "test/integration/groups-interop.test.ts",
    "--encryption-context": "test/integration/groups-interop.test.ts",
    "--in-place": "test/integration/scan-sops.test.ts",
    "--shamir-secret-sharing-threshold": "test/integration/groups-interop.test.ts",
    "--key-timeout": "test/integration/key-rotate-faults.test.ts",
    "--debug": "test/integration/kms-keys.test.ts",
  },
  "groups delete": {
    "--file": "test/integration/groups-interop.test.ts",
    "--in-place": "test/integration/scan-sops.test.ts",
    "--shamir-secret-sharing-threshold": "test/integration/groups-interop.test.ts",
    "--key-timeout": "test/cli/error-hints.test.ts",
    "--debug": "test/integration/kms-keys.test.ts",
  },
  publish: {
    "--omit-extensions": "test/integration/publish.test.ts",
    "--recursive": "test/integration/publish.test.ts",
    "--config": "test/integration/pgp-keys.test.ts",
    "--key-timeout": "test/integration/key-rotate-faults.test.ts",
    "--debug": "test/integration/kms-keys.test.ts",
  },
  controller: {
    "--kubeconfig": "test/integration/controller-aws.test.ts",
    "--namespace": "test/integration/controller-aws.test.ts",
    "--metrics-port": "test/integration/controller-harness.ts",
    "--health-port": "test/integration/controller-harness.ts",
    "--hash-key-secret": "test/integration/controller-aws.test.ts",
    "--store-refresh": "test/integration/controller-aws.test.ts",
    "--watch-timeout": "test/integration/controller-aws.test.ts",
    "--fetch-window": "test/integration/controller-rollout.test.ts",
    "--rollout-debounce": "test/integration/controller-rollout.test.ts",
    "--status-page": "test/integration/controller-status-page.test.ts",
    "--ready-max-overdue": "test/integration/controller-metrics.test.ts",
    "--leader-elect": "test/integration/controller-leader.test.ts",
    "--leader-elect-lease-duration": "test/integration/controller-leader.test.ts",
    "--leader-elect-renew-deadline": "test/integration/controller-leader.test.ts",
    "--leader-elect-retry-period": "test/integration/controller-leader.test.ts",
    "--leader-elect-namespace": "test/integration/controller-leader.test.ts",
    "--leader-elect-id": "test/integration/controller-leader.test.ts",
  },
}

/** Flags shown by a probe in this file (the tests below), by command. */
const PROBED: Record<string, string[]> = {
  "(top)": ["--decrypt", "--rotate", "--decryption-order"],
  decrypt: ["--decryption-order"],
  set: ["--decryption-order"],
  unset: ["--decryption-order"],
  "exec-env": ["--user", "--same-process", "--decryption-order"],
  "exec-file": ["--user", "--decryption-order"],
  scan: ["--jobs", "--color", "--no-color"],
  updatekeys: ["--yes"],
  publish: ["--yes", "--verbose", "--decryption-order"],
  controller: ["--concurrency", "--age-key-file", "--store-rate", "--store-burst", "--store-concurrency"],
}

describe("every flag --help lists", () => {
  it("has a test: an EVIDENCE entry or a probe here, and nothing is listed for a flag --help does not show", () => {
    const listed = listedFlags()
    const missing: string[] = []
    for (const [cmd, flags] of Object.entries(listed)) {
      for (const f of flags) {
        if (EVIDENCE[cmd]?.[f] === undefined && !(PROBED[cmd] ?? []).includes(f)) missing.push(`${cmd} ${f}`)
      }
    }
    expect(missing).toEqual([])
    const stale: string[] = []
    for (const [cmd, flags] of Object.entries(EVIDENCE))
      for (const f of Object.keys(flags)) if (!(listed[cmd] ?? []).includes(f)) stale.push(`${cmd} ${f}`)
    for (const [cmd, flags] of Object.entries(PROBED))
      for (const f of flags) if (!(listed[cmd] ?? []).includes(f)) stale.push(`${cmd} ${f}`)
    expect(stale).toEqual([])
  })

  it("names, for each EVIDENCE entry, a test file that exists and uses the flag", () => {
    const wrong: string[] = []
    for (const [cmd, flags] of Object.entries(EVIDENCE)) {
      for (const [f, file] of Object.entries(flags)) {
        const path = join(repo, file)
        if (!existsSync(path)) wrong.push(`${cmd} ${f}: ${file} missing`)
        else if (!readFileSync(path, "utf8").includes(f)) wrong.push(`${cmd} ${f}: ${file} does not use it`)
      }
    }
    expect(wrong).toEqual([])
  })
})

describe("probes: flags no other test exercises", () => {
  const tmp = tempDir("sealbridge-flags-")
  afterAll(tmp.cleanup)
  const p = (n: string): string => join(tmp.path, n)
  let recipient = ""
  let env: Record<string, string> = {}
  beforeAll(async () => {
    recipient = (await runCli(["keygen", "-o", p("k.txt")])).stdout.trim()
    env = { SOPS_AGE_KEY_FILE: p("k.txt") }
    writeFileSync(p("plain.yaml"), "a: alpha\n")
    writeFileSync(p("s.yaml"), (await runCli(["encrypt", "--age", recipient, p("plain.yaml")])).stdout)
  })

  it("--decrypt (top level) opens the file", async () => {
    const r = await runCli(["--decrypt", p("s.yaml")], { env })
    expect([r.code, r.stdout]).toEqual([0, "a: alpha\n"])
  })

  it("--rotate (top level) seals the values again under a new data key", async () => {
    const before = readFileSync(p("s.yaml"), "utf8")
    const r = await runCli(["--rotate", p("s.yaml")], { env })
    expect(r.code, r.stderr).toBe(0)
    const enc = (t: string): string => /-----BEGIN AGE ENCRYPTED FILE-----[\s\S]*?-----END/.exec(t)?.[0] ?? ""
    expect(enc(r.stdout)).toMatch(/BEGIN AGE/)
    expect(enc(r.stdout)).not.toBe(enc(before))
    expect(/^a: (.*)$/m.exec(r.stdout)?.[1]).not.toBe(/^a: (.*)$/m.exec(before)?.[1])
  })

  it("--decryption-order: a known key type is used, an unknown one is refused by name (every command listing it)", async () => {
    const runs: [string, string[], number][] = [
      ["(top)", ["-d", "--decryption-order", "ORDER", p("s.yaml")], 0],
      ["decrypt", ["decrypt", "--decryption-order", "ORDER", p("s.yaml")], 0],
      ["set", ["set", "--decryption-order", "ORDER", p("s.yaml"), '["b"]', '"x"'], 0],
      ["unset", ["unset", "--decryption-order", "ORDER", p("s.yaml"), '["b"]'], 0],
      ["exec-env", ["exec-env", "--decryption-order", "ORDER", p("s.yaml"), "true"], 0],
      ["exec-file", ["exec-file", "--decryption-order", "ORDER", p("s.yaml"), "true"], 0],
    ]
    for (const [what, args, code] of runs) {
      const ok = await runCli(
        args.map((a) => (a === "ORDER" ? "pgp,age" : a)),
        { env },
      )
      expect([what, ok.code, ok.stderr]).toEqual([what, code, ""])
      const bad = await runCli(
        args.map((a) => (a === "ORDER" ? "bogus" : a)),
        { env },
      )
      expect([what, bad.code]).toEqual([what, 1])
      expect(bad.stderr).toContain('--decryption-order: unknown key type "bogus"')
    }
    // publish takes it (no "unknown option"); it fails later, on the missing destination config.
    const pub = await runCli(["publish", "--decryption-order", "age", "--verbose", "--yes", p("s.yaml")], {
      env,
      cwd: tmp.path,
    })
    expect(pub.code).toBe(1)
    expect(pub.stderr).toMatch(/^sealbridge: config file not found\n/)
  })

  it("exec-env --same-process runs the command with the values (Node cannot exec in place: a child)", async () => {
    const r = await runCli(["exec-env", "--same-process", p("s.yaml"), 'test "$a" = alpha'], { env })
    expect(r.code, r.stderr).toBe(0)
    const wrong = await runCli(["exec-env", "--same-process", p("s.yaml"), 'test "$a" = other'], { env })
    expect(wrong.code).toBe(1)
  })

  it("exec-env and exec-file --user run the command as that user (root), or refuse (not root)", async () => {
    const root = process.getuid?.() === 0
    for (const cmd of ["exec-env", "exec-file"]) {
      const r = await runCli([cmd, "--user", "nobody", p("s.yaml"), 'test "$(id -u)" = 65534'], { env })
      if (root) expect([cmd, r.code, r.stderr]).toEqual([cmd, 0, ""])
      else expect([cmd, r.code]).not.toEqual([cmd, 0])
    }
  })

  it("scan --jobs, --color and --no-color: the same result, ANSI colour only with --color", async () => {
    const dir = p("scan")
    mkdirSync(dir)
    writeFileSync(join(dir, "clean.env"), "NAME=value\n")
    const plain = await runCli(["scan", "--no-progress", "--jobs", "1", "--no-color", "clean.env"], {
      cwd: dir,
    })
    const coloured = await runCli(["scan", "--no-progress", "--jobs", "2", "--color", "clean.env"], {
      cwd: dir,
    })
    expect([plain.code, coloured.code], plain.stderr + coloured.stderr).toEqual([0, 0])
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/
    expect(plain.stdout + plain.stderr).toMatch(/no leaks found: 1 files/)
    expect(plain.stdout + plain.stderr).not.toMatch(ansi)
    expect(coloured.stdout + coloured.stderr).toMatch(ansi)
    expect(await runCli(["scan", "--jobs", "0", "clean.env"], { cwd: dir })).toMatchObject({ code: 2 })
  })

  it("updatekeys --yes applies without asking (no terminal: the question would end the run)", async () => {
    const dir = p("uk")
    mkdirSync(dir)
    const other = (await runCli(["keygen", "-o", join(dir, "k2.txt")])).stdout.trim()
    writeFileSync(join(dir, ".sops.yaml"), `creation_rules:\n  - age: ${recipient},${other}\n`)
    writeFileSync(join(dir, "s.yaml"), readFileSync(p("s.yaml")))
    const r = await runCli(["updatekeys", "--yes", join(dir, "s.yaml")], { env, cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(join(dir, "s.yaml"), "utf8")).toContain(other)
  })

  it("controller --concurrency, --age-key-file, --store-rate, --store-burst and --store-concurrency reach the controller's options", () => {
    const program = buildProgram(realIO())
    const cmd = program.commands.find((c) => c.name() === "controller")
    if (cmd === undefined) throw new Error("no controller command")
    cmd.parseOptions([
      "--concurrency",
      "7",
      "--age-key-file",
      "/k.txt",
      "--store-rate",
      "3",
      "--store-burst",
      "9",
    ])
    const o = controllerOptions(cmd.opts(), {}, () => undefined)
    expect([o.concurrency, o.ageKeyFile, o.storeRate, o.storeBurst]).toEqual([7, "/k.txt", 3, 9])
  })
})
