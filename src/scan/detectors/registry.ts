import type { Detector } from "../finding.js"
import { awsAccessKey, awsSecretKey } from "./aws.js"
import { githubClassicToken, githubFineGrainedToken, npmToken } from "./github.js"

/**
 * The built-in detectors, most specific first: on overlapping matches of equal severity the
 * earlier one wins.
 */
export const defaultDetectors: readonly Detector[] = [
  githubClassicToken,
  githubFineGrainedToken,
  npmToken,
  awsAccessKey,
  awsSecretKey,
]
