import { ErrorCode } from "../src/index.js"

/**
 * One table from error code to process exit status. The numbers are sops 3.13's, so scripts
 * written against `sops` keep working with `alias sops=sealbridge`.
 */
export const exitCodeFor = {
  [ErrorCode.Usage]: 1,
  [ErrorCode.Config]: 1,
  [ErrorCode.NotSealed]: 1,
  [ErrorCode.ExtractMissing]: 1,
  [ErrorCode.NotFound]: 1,
  [ErrorCode.AccessDenied]: 1,
  [ErrorCode.Provider]: 1,
  [ErrorCode.Kube]: 1,
  [ErrorCode.LeakFound]: 1,
  [ErrorCode.Internal]: 1,
  [ErrorCode.ChildExit]: 1,
  [ErrorCode.Publish]: 1,
  [ErrorCode.DataKey]: 1,
  [ErrorCode.GroupIndex]: 2,
  [ErrorCode.SealedFormat]: 1,
  [ErrorCode.Emit]: 4,
  [ErrorCode.Format]: 2,
  [ErrorCode.ReadInput]: 2,
  [ErrorCode.WriteOutput]: 3,
  [ErrorCode.SetFormat]: 7,
  [ErrorCode.Conflict]: 8,
  [ErrorCode.Encrypt]: 23,
  [ErrorCode.Decrypt]: 25,
  [ErrorCode.MacMismatch]: 51,
  [ErrorCode.ExtractSyntax]: 91,
  [ErrorCode.EmptyFile]: 92,
  [ErrorCode.NoFile]: 100,
  [ErrorCode.NoKey]: 128,
  [ErrorCode.KeyBackend]: 128,
  [ErrorCode.KeyWrap]: 1,
  [ErrorCode.KmsContext]: 6,
  [ErrorCode.NotModified]: 200,
  [ErrorCode.NoEditor]: 201,
  [ErrorCode.AlreadySealed]: 203,
} as const satisfies Record<ErrorCode, number>
