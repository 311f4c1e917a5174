import type { KeyDeps } from "./deps.js"
import { lazyOpener, type KeyKind } from "./kind.js"
import { PgpBackend, PgpOpener, type PgpDeps } from "./pgp.js"

const pgpDeps = (deps: KeyDeps): PgpDeps => ({
  run: (file, args, opts) => deps.run(file, args, opts),
  env: deps.env,
  now: () => deps.now(),
})

/** PGP through the gpg binary (GNUPGHOME, SOPS_GPG_EXEC). */
export const pgpKind: KeyKind<"pgp"> = {
  backend: (spec, deps) => new PgpBackend(spec.fingerprint, pgpDeps(deps)),
  rewrap: (w, deps) => new PgpBackend(w.fp, pgpDeps(deps)),
  opener: (deps) => lazyOpener("pgp", () => Promise.resolve(new PgpOpener(pgpDeps(deps)))),
}
