import type { Detector } from "../finding.js"
import { awsAccessKey, awsSecretKey } from "./aws.js"
import { genericSecret } from "./generic.js"
import { githubClassicToken, githubFineGrainedToken, npmToken } from "./github.js"
import { gitlabRoutableToken, gitlabToken } from "./gitlab.js"
import { jwt } from "./jwt.js"
import { ageSecretKey, base64PrivateKey, privateKey } from "./private-keys.js"
import { saasDetectors } from "./saas.js"
import { connectionUri } from "./uri.js"
import {
  anthropicKey,
  atlassianToken,
  googleApiKey,
  googleOAuthSecret,
  grafanaCloud,
  grafanaServiceAccount,
  openaiKey,
  slackToken,
  slackWebhook,
  stripeKey,
} from "./vendors.js"

/**
 * The built-in detectors, most specific first: on overlapping matches of equal severity the
 * earlier one wins. The generic tier is last and lowest.
 */
export const defaultDetectors: readonly Detector[] = [
  githubClassicToken,
  githubFineGrainedToken,
  npmToken,
  gitlabRoutableToken,
  gitlabToken,
  grafanaServiceAccount,
  grafanaCloud,
  atlassianToken,
  awsAccessKey,
  awsSecretKey,
  googleApiKey,
  googleOAuthSecret,
  slackToken,
  slackWebhook,
  stripeKey,
  openaiKey,
  anthropicKey,
  ageSecretKey,
  privateKey,
  base64PrivateKey,
  jwt,
  connectionUri,
  ...saasDetectors,
  genericSecret,
]
