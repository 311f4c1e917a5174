import { Command, Option } from "commander"
import {
  addKeyGroup,
  backendFor,
  backendForWrapped,
  BridgeError,
  deleteKeyGroup,
  ErrorCode,
  formatForPath,
  parseKmsList,
  splitKeyList,
  type GroupsRequest,
  type KeySpec,
} from "../../src/index.js"
import { encryptionContext } from "../creation.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import { callOptions, keyDeps } from "../key-deps.js"
import { writeError } from "../target.js"

interface GroupsFlags {
  file?: string
  inPlace?: boolean
  shamirSecretSharingThreshold?: string
  keyTimeout?: string
  debug?: boolean
}

interface AddFlags extends GroupsFlags {
  age?: string[]
  pgp?: string[]
  kms?: string[]
  hcVaultTransit?: string[]
  gcpKms?: string[]
  azureKv?: string[]
  hckms?: string[]
  awsProfile?: string
  encryptionContext?: string
}

/**
 * `groups add --file F --age R …`: a new key group with the given keys (each flag may repeat, as
 * in sops; `--age` also takes a comma-separated list). The file's data key is wrapped again for
 * every group; values and MAC are untouched. Output to stdout, or back to F with -i.
 */
export async function runGroupsAdd(args: readonly string[], flags: AddFlags, io: CliIO): Promise<void> {
  if (args.length !== 0)
    throw new BridgeError(ErrorCode.Usage, "error: no positional arguments allowed", {
      hint: "name the file with --file",
    })
  const unusable = [...(flags.gcpKms ?? []), ...(flags.azureKv ?? []), ...(flags.hckms ?? [])]
  if (unusable.length > 0)
    throw new BridgeError(ErrorCode.Usage, "GCP KMS, Azure Key Vault and HuaweiCloud KMS keys cannot be used")
  const context = encryptionContext(flags.encryptionContext)
  const specs: KeySpec[] = [
    ...(flags.pgp ?? []).map((fingerprint): KeySpec => ({ kind: "pgp", fingerprint })),
    ...(flags.kms ?? []).flatMap((arn) => parseKmsList(arn, flags.awsProfile, context)),
    ...(flags.hcVaultTransit ?? []).map((uri): KeySpec => ({ kind: "hc_vault", uri })),
    ...(flags.age ?? []).flatMap((r) =>
      splitKeyList(r).map((recipient): KeySpec => ({ kind: "age", recipient })),
    ),
  ]
  const deps = keyDeps(io, flags)
  const group = specs.map((s) => backendFor(s, deps))
  await rewrite(flags, io, (req) => addKeyGroup(req, group))
}

/** `groups delete --file F INDEX`: drops key group INDEX (0-based) and re-wraps for the rest. */
export async function runGroupsDelete(args: readonly string[], flags: GroupsFlags, io: CliIO): Promise<void> {
  if (args.length !== 1)
    throw new BridgeError(ErrorCode.Usage, "error: exactly one positional argument (index) required")
  const raw = args[0] ?? ""
  // sops parses the index with strconv.ParseUint(s, 10, 32).
  if (!/^\d+$/.test(raw) || Number(raw) > 0xffffffff)
    throw new BridgeError(ErrorCode.Usage, `failed to parse [index] argument: ${JSON.stringify(raw)}`, {
      hint: "the index is the group's position in key_groups, from 0",
    })
  await rewrite(flags, io, (req) => deleteKeyGroup(req, Number(raw)))
}

async function rewrite(
  flags: GroupsFlags,
  io: CliIO,
  change: (req: GroupsRequest) => Promise<Uint8Array>,
): Promise<void> {
  const threshold = parseThreshold(flags.shamirSecretSharingThreshold)
  const file = flags.file ?? ""
  // sops: "Error reading file", exit 2, for no --file as for a missing one.
  if (file === "" || !io.exists(file))
    throw new BridgeError(
      ErrorCode.ReadInput,
      file === "" ? "no file given" : `${file}: no such file or directory`,
      { hint: "name the sealed file with --file" },
    )
  let input: Uint8Array
  try {
    input = await io.readFile(file)
  } catch (err) {
    throw new BridgeError(ErrorCode.ReadInput, `${file}: cannot read file`, { cause: err })
  }
  const deps = keyDeps(io, flags)
  const out = await change({
    input,
    source: file,
    format: formatForPath(file),
    openers: openersFor(io, flags),
    backendFor: (w) => backendForWrapped(w, deps),
    threshold,
    randomBytes: (n) => io.randomBytes(n),
    call: callOptions(io, flags),
  })
  if (flags.inPlace !== true) return io.writeOut(out)
  try {
    await io.writeFileAtomic(file, out, (await io.modeOf(file)) ?? 0o644)
  } catch (err) {
    throw writeError(file, err)
  }
}

function parseThreshold(raw: string | undefined): number {
  if (raw === undefined) return 0
  if (!/^\d+$/.test(raw.trim()))
    throw new BridgeError(
      ErrorCode.Usage,
      `invalid value ${JSON.stringify(raw)} for flag -shamir-secret-sharing-threshold: parse error`,
    )
  return Number(raw.trim())
}

/** Collects a flag given more than once (sops' StringSliceFlag). */
const repeat = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value]

export function groupsCommand(io: CliIO): Command {
  const add = new Command("add")
    .description("add a new key group to a sealed file")
    .argument("[args...]")
    .option("-f, --file <file>", "the file to add the group to")
    .option("--pgp <fingerprint>", "a PGP fingerprint for the new group (repeatable)", repeat)
    .option("--kms <arn>", "an AWS KMS ARN (ARN+ROLE_ARN) for the new group (repeatable)", repeat)
    .option("--aws-profile <profile>", "AWS profile for the KMS keys")
    .option(
      "--hc-vault-transit <uri>",
      "a Vault transit key URI for the new group, e.g. https://vault:8200/v1/transit/keys/dev (repeatable)",
      repeat,
    )
    .option("--age <recipients>", "age recipients for the new group (repeatable, or comma-separated)", repeat)
    .option("--encryption-context <pairs>", "KMS encryption context k1:v1,k2:v2 for the KMS keys")
    .addOption(new Option("--gcp-kms <id>").hideHelp().argParser(repeat))
    .addOption(new Option("--azure-kv <url>").hideHelp().argParser(repeat))
    .addOption(new Option("--hckms <id>").hideHelp().argParser(repeat))
  addShared(add).action((args: string[], flags: AddFlags) => runGroupsAdd(args, flags, io))

  const del = new Command("delete")
    .description("delete a key group (numbered from 0) from a sealed file")
    .argument("[index...]")
    .option("-f, --file <file>", "the file to delete the group from")
  addShared(del).action((args: string[], flags: GroupsFlags) => runGroupsDelete(args, flags, io))

  const groups = new Command("groups")
    .description("add or delete key groups of a sealed file (the data key is kept)")
    .addHelpText(
      "after",
      `\nExamples:\n  sealbridge groups add -i --file app.enc.yaml --age age1… --kms arn:aws:kms:…\n  sealbridge groups delete -i --file app.enc.yaml 1`,
    )
  for (const sub of [add, del]) {
    sub.exitOverride().configureOutput({ writeOut: (s) => io.writeOut(s), writeErr: (s) => io.writeErr(s) })
    groups.addCommand(sub)
  }
  return groups
}

function addShared(cmd: Command): Command {
  return cmd
    .option("-i, --in-place", "write the result back to the file (atomic) instead of stdout")
    .option(
      "--shamir-secret-sharing-threshold <n>",
      "key groups needed to recover the data key (default: the file's; all groups when unset)",
    )
    .option("--key-timeout <duration>", "bound each master key's call, e.g. 30s")
    .option("--debug", "print the cause chain of errors")
}
