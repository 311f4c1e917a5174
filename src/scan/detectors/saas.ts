/**
 * Prefixed SaaS tokens without a public checksum (research table §7 rows 18-32): issuer prefix plus
 * exact length and alphabet. High severity; a decodable payload is checked where one exists.
 */
import { Severity } from "../finding.js"
import { shannonEntropy } from "../entropy.js"
import { isPlaceholder } from "../filters.js"
import { regexDetector } from "./kit.js"
import type { Detector } from "../finding.js"

function decodesToJsonObject(b64: string): boolean {
  try {
    const v: unknown = JSON.parse(Buffer.from(b64, "base64").toString("utf8"))
    return typeof v === "object" && v !== null
  } catch {
    return false
  }
}

const randomish = (s: string): boolean => shannonEntropy(s) > 3 && !isPlaceholder(s)

type Check = (secret: string, match: RegExpExecArray, text: string) => boolean

function prefixed(
  id: string,
  description: string,
  keywords: string[],
  pattern: RegExp,
  check: Check = randomish,
  after = 512,
): Detector {
  return regexDetector({
    id,
    severity: Severity.High,
    description,
    keywords,
    pattern,
    check,
    window: { before: 64, after },
  })
}

export const saasDetectors: readonly Detector[] = [
  prefixed(
    "azure-ad-client-secret",
    "Azure AD (Entra ID) client secret",
    ["q~"],
    /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
  ),
  prefixed(
    "azure-storage-key",
    "Azure storage account key in a connection string",
    ["accountkey="],
    /AccountKey=([A-Za-z0-9+/]{86}==)/g,
    (_s, m) => randomish(m[1] ?? ""),
  ),
  prefixed(
    "azure-sas-token",
    "Azure shared access signature (sig= with sv= and se=)",
    ["sig="],
    /[?&]sig=([A-Za-z0-9%+/]{40,120})(?![A-Za-z0-9%+/])/g,
    (_s, m, text) => {
      // a SAS URL carries sv= (version) and se= (expiry) in the same query string
      const from = text.lastIndexOf("\n", m.index) + 1
      const query = text.slice(Math.max(from, m.index - 400), m.index)
      return /[?&]sv=/.test(query) && /[?&]se=/.test(query)
    },
  ),
  prefixed(
    "twilio-api-key",
    "Twilio API key SID",
    ["sk"],
    /(?<![A-Za-z0-9_])SK[0-9a-f]{32}(?![A-Za-z0-9_])/g,
  ),
  prefixed(
    "sendgrid-api-key",
    "SendGrid API key",
    ["sg."],
    /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "mailgun-api-key",
    "Mailgun API key",
    ["key-"],
    /(?<![A-Za-z0-9_-])key-[0-9a-f]{32}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "mailchimp-api-key",
    "Mailchimp API key",
    ["-us"],
    /(?<![A-Za-z0-9_-])[0-9a-f]{32}-us[0-9]{1,2}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "pypi-token",
    "PyPI upload token (macaroon for pypi.org or test.pypi.org)",
    ["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"],
    /(?<![A-Za-z0-9_-])pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "huggingface-token",
    "Hugging Face access token",
    ["hf_", "api_org_"],
    /(?<![A-Za-z0-9_])(?:hf_|api_org_)[A-Za-z]{34}(?![A-Za-z0-9_])/g,
  ),
  prefixed(
    "digitalocean-token",
    "DigitalOcean token",
    ["dop_v1_", "doo_v1_", "dor_v1_"],
    /(?<![A-Za-z0-9_])do[por]_v1_[a-f0-9]{64}(?![A-Za-z0-9_])/g,
  ),
  prefixed(
    "vault-token",
    "HashiCorp Vault service or batch token",
    ["hvs.", "hvb."],
    /(?<![A-Za-z0-9_.-])hv[sb]\.[A-Za-z0-9_-]{90,250}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "terraform-cloud-token",
    "Terraform Cloud / Enterprise API token",
    ["atlasv1"],
    /(?<![A-Za-z0-9])[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])/g,
  ),
  prefixed(
    "databricks-token",
    "Databricks personal access token",
    ["dapi"],
    /(?<![A-Za-z0-9_])dapi[a-f0-9]{32}(?:-[0-9])?(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "doppler-token",
    "Doppler personal token",
    ["dp.pt."],
    /(?<![A-Za-z0-9_])dp\.pt\.[A-Za-z0-9]{43}(?![A-Za-z0-9_])/g,
  ),
  prefixed(
    "dockerhub-token",
    "Docker Hub personal or organisation access token",
    ["dckr_pat_", "dckr_oat_"],
    /(?<![A-Za-z0-9_])(?:dckr_pat_[A-Za-z0-9_-]{27}|dckr_oat_[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "shopify-token",
    "Shopify access token or shared secret",
    ["shpat_", "shpca_", "shppa_", "shpss_"],
    /(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9_])/g,
  ),
  prefixed(
    "sentry-token",
    "Sentry user or organisation auth token",
    ["sntryu_", "sntrys_"],
    /(?<![A-Za-z0-9_])(?:sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{60,400})(?![A-Za-z0-9+/=_])/g,
    (s) => (s.startsWith("sntrys_") ? decodesToJsonObject(s.slice(7).split("_")[0] ?? "") : randomish(s)),
  ),
  prefixed(
    "postman-api-key",
    "Postman API key",
    ["pmak-"],
    /(?<![A-Za-z0-9_-])PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "pulumi-token",
    "Pulumi access token",
    ["pul-"],
    /(?<![A-Za-z0-9_-])pul-[a-f0-9]{40}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "rubygems-token",
    "RubyGems API key",
    ["rubygems_"],
    /(?<![A-Za-z0-9_])rubygems_[a-f0-9]{48}(?![A-Za-z0-9_])/g,
  ),
  prefixed(
    "linear-api-key",
    "Linear API key",
    ["lin_api_"],
    /(?<![A-Za-z0-9_])lin_api_[A-Za-z0-9]{40}(?![A-Za-z0-9_])/g,
  ),
  prefixed(
    "heroku-api-key",
    "Heroku API key",
    ["hrku-aa"],
    /(?<![A-Za-z0-9_-])HRKU-AA[A-Za-z0-9_-]{58}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "newrelic-user-key",
    "New Relic user API key",
    ["nrak-"],
    /(?<![A-Za-z0-9_-])NRAK-[A-Z0-9]{27}(?![A-Za-z0-9_-])/g,
  ),
  prefixed(
    "dynatrace-token",
    "Dynatrace API token",
    ["dt0c01."],
    /(?<![A-Za-z0-9_.])dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}(?![A-Za-z0-9_])/g,
  ),
  prefixed(
    "1password-service-account-token",
    "1Password service account token",
    ["ops_eyj"],
    /(?<![A-Za-z0-9_])ops_(eyJ[A-Za-z0-9+/=_-]{100,2000})(?![A-Za-z0-9+/=_-])/g,
    (s) => decodesToJsonObject(s.slice(4).replace(/-/g, "+").replace(/_/g, "/")),
    4096,
  ),
]
