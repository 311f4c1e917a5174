// Property tests draw random inputs. Locally each run uses a new seed, so repeated runs keep
// searching; in CI the seed is fixed, so a red CI always means a change broke something and the
// same run reproduces it. `FC_SEED=<n>` pins any seed (e.g. one a local failure printed);
// `PROPERTY_RUNS` and `npm run fuzz` search harder.
import fc from "fast-check"
import { inCi } from "./ci.js"

const pinned = process.env["FC_SEED"]
if (pinned !== undefined && pinned !== "") fc.configureGlobal({ seed: Number(pinned) })
else if (inCi()) fc.configureGlobal({ seed: 20261202 })
