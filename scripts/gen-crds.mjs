// Writes controller/deploy/crds/*.yaml: structural schemas (ESO field names), defaults, printer columns.
// One source for the four CRDs; test/controller/crds.test.ts checks the committed files match.
import { stringify } from "yaml"
import { writeFileSync } from "node:fs"
const dir = process.argv[2] ?? "controller/deploy/crds"
// The Helm chart installs the same CRDs from its crds/ directory (Helm cannot read files outside the chart).
const chartDir = process.argv[2] === undefined ? "controller/deploy/helm/sealbridge/crds" : undefined
const S = { type: "string" }
const B = { type: "boolean" }
const map = { type: "object", additionalProperties: { type: "string" } }
const loose = { type: "object", "x-kubernetes-preserve-unknown-fields": true }
const looseList = { type: "array", items: loose }
const decoding = { type: "string", enum: ["Auto", "Base64", "Base64URL", "None"], default: "None" }
const remoteRef = (req) => ({
  type: "object",
  required: ["key"],
  properties: {
    key: { type: "string", minLength: 1 },
    property: S,
    version: S,
    decodingStrategy: decoding,
    conversionStrategy: { type: "string", enum: ["Default", "Unicode"], default: "Default" },
    metadataPolicy: { type: "string", enum: ["None", "Fetch"], default: "None" },
    nullBytePolicy: S,
  },
})
const secretKeyRef = {
  type: "object",
  required: ["name", "key"],
  properties: { name: S, key: S, namespace: S },
}
const saRef = {
  type: "object",
  required: ["name"],
  properties: { name: S, namespace: S, audiences: { type: "array", items: S } },
}
const status = {
  type: "object",
  properties: {
    conditions: {
      type: "array",
      items: {
        type: "object",
        required: ["type", "status"],
        properties: {
          type: S,
          status: S,
          reason: S,
          message: S,
          lastTransitionTime: { type: "string", format: "date-time" },
          observedGeneration: { type: "integer", format: "int64" },
        },
      },
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
    },
    refreshTime: { type: "string", format: "date-time", nullable: true },
    syncedResourceVersion: S,
    observedGeneration: { type: "integer", format: "int64" },
    binding: { type: "object", properties: { name: S } },
  },
}
const ready = [
  { name: "Status", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
  { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
]
const age = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }
function crd(kind, plural, shortNames, scope, spec, columns, description) {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${plural}.sealbridge.dev`,
      annotations: { "helm.sh/resource-policy": "keep" },
      labels: { "app.kubernetes.io/part-of": "sealbridge" },
    },
    spec: {
      group: "sealbridge.dev",
      scope,
      names: {
        kind,
        plural,
        singular: kind.toLowerCase(),
        listKind: `${kind}List`,
        shortNames,
        categories: ["sealbridge"],
      },
      versions: [
        {
          name: "v1alpha1",
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [...columns, ...ready, age],
          schema: {
            openAPIV3Schema: {
              type: "object",
              description,
              required: ["spec"],
              properties: { apiVersion: S, kind: S, metadata: { type: "object" }, spec, status },
            },
          },
        },
      ],
    },
  }
}
const es = {
  type: "object",
  properties: {
    secretStoreRef: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", maxLength: 253 },
        kind: { type: "string", enum: ["SecretStore", "ClusterSecretStore"], default: "SecretStore" },
      },
    },
    refreshInterval: {
      type: "string",
      default: "1h",
      pattern: "^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$",
    },
    refreshPolicy: { type: "string", enum: ["Periodic", "CreatedOnce", "OnChange"] },
    syncWindows: loose,
    // sealbridge extension (as VSO's): restart these workloads when the Secret's data changes
    rolloutRestartTargets: {
      type: "array",
      items: {
        type: "object",
        required: ["name"],
        properties: {
          kind: { type: "string", enum: ["Deployment", "StatefulSet", "DaemonSet"], default: "Deployment" },
          name: { type: "string", maxLength: 253 },
        },
      },
    },
    target: {
      type: "object",
      default: { creationPolicy: "Owner", deletionPolicy: "Retain" },
      properties: {
        name: { type: "string", maxLength: 253 },
        creationPolicy: { type: "string", enum: ["Owner", "Orphan", "Merge", "None"], default: "Owner" },
        deletionPolicy: { type: "string", enum: ["Retain", "Delete", "Merge"], default: "Retain" },
        immutable: B,
        manifest: loose,
        template: {
          type: "object",
          properties: {
            type: S,
            engineVersion: { type: "string", enum: ["v2"], default: "v2" },
            mergePolicy: { type: "string", enum: ["Replace", "Merge"], default: "Replace" },
            metadata: {
              type: "object",
              properties: { labels: map, annotations: map, finalizers: { type: "array", items: S } },
            },
            data: map,
            templateFrom: looseList,
          },
        },
      },
    },
    data: {
      type: "array",
      items: {
        type: "object",
        required: ["secretKey", "remoteRef"],
        properties: {
          secretKey: { type: "string", pattern: "^[-._a-zA-Z0-9]+$" },
          remoteRef: remoteRef(),
          sourceRef: loose,
        },
      },
    },
    dataFrom: {
      type: "array",
      items: {
        type: "object",
        properties: {
          extract: remoteRef(),
          find: {
            type: "object",
            properties: {
              path: S,
              name: { type: "object", properties: { regexp: S } },
              tags: map,
              conversionStrategy: { type: "string", enum: ["Default", "Unicode"], default: "Default" },
              decodingStrategy: decoding,
              nullBytePolicy: S,
            },
          },
          rewrite: {
            type: "array",
            items: {
              type: "object",
              properties: {
                regexp: {
                  type: "object",
                  required: ["source", "target"],
                  properties: { source: S, target: S },
                },
                transform: loose,
                merge: loose,
              },
            },
          },
          sourceRef: loose,
        },
      },
    },
  },
}
const storeSpec = (cluster) => ({
  type: "object",
  required: ["provider"],
  properties: {
    controller: S,
    refreshInterval: { type: "integer" },
    retrySettings: loose,
    ...(cluster
      ? {
          conditions: {
            type: "array",
            items: {
              type: "object",
              properties: {
                namespaces: { type: "array", items: S },
                namespaceRegexes: { type: "array", items: S },
                namespaceSelector: {
                  type: "object",
                  properties: {
                    matchLabels: map,
                    matchExpressions: {
                      type: "array",
                      items: {
                        type: "object",
                        required: ["key", "operator"],
                        properties: { key: S, operator: S, values: { type: "array", items: S } },
                      },
                    },
                  },
                },
              },
            },
          },
        }
      : {}),
    provider: {
      type: "object",
      properties: {
        aws: {
          type: "object",
          required: ["service", "region"],
          properties: {
            service: { type: "string", enum: ["SecretsManager", "ParameterStore"] },
            region: S,
            role: S,
            prefix: S,
            additionalRoles: { type: "array", items: S },
            externalID: S,
            sessionTags: looseList,
            transitiveTagKeys: { type: "array", items: S },
            secretsManager: loose,
            auth: {
              type: "object",
              properties: {
                secretRef: {
                  type: "object",
                  properties: {
                    accessKeyIDSecretRef: secretKeyRef,
                    secretAccessKeySecretRef: secretKeyRef,
                    sessionTokenSecretRef: secretKeyRef,
                  },
                },
                jwt: { type: "object", properties: { serviceAccountRef: saRef } },
              },
            },
          },
        },
        vault: {
          type: "object",
          required: ["server", "auth"],
          properties: {
            server: S,
            path: S,
            version: { type: "string", enum: ["v1", "v2"], default: "v2" },
            namespace: S,
            caBundle: { type: "string", format: "byte" },
            caProvider: loose,
            tls: loose,
            readYourWrites: B,
            forwardInconsistent: B,
            headers: map,
            auth: {
              type: "object",
              properties: {
                namespace: S,
                tokenSecretRef: secretKeyRef,
                kubernetes: {
                  type: "object",
                  required: ["role"],
                  properties: {
                    mountPath: { type: "string", default: "kubernetes" },
                    role: S,
                    serviceAccountRef: saRef,
                    secretRef: secretKeyRef,
                  },
                },
                appRole: {
                  type: "object",
                  required: ["secretRef"],
                  properties: {
                    path: { type: "string", default: "approle" },
                    roleId: S,
                    roleRef: secretKeyRef,
                    secretRef: secretKeyRef,
                  },
                },
                jwt: loose,
                cert: loose,
                iam: loose,
                gcp: loose,
                userPass: loose,
                ldap: loose,
              },
            },
          },
        },
      },
    },
  },
})
const sops = {
  type: "object",
  required: ["sealed"],
  properties: {
    sealed: {
      type: "string",
      minLength: 1,
      description: "a whole sops-format file as written by sealbridge encrypt or sops",
    },
    format: { type: "string", enum: ["yaml", "json"], default: "yaml" },
    target: {
      type: "object",
      properties: { name: { type: "string", maxLength: 253 }, type: S, labels: map, annotations: map },
    },
  },
}
const out = {
  "externalsecret.yaml": crd(
    "ExternalSecret",
    "externalsecrets",
    ["sbes"],
    "Namespaced",
    es,
    [
      { name: "Store", type: "string", jsonPath: ".spec.secretStoreRef.name" },
      { name: "Refresh Interval", type: "string", jsonPath: ".spec.refreshInterval" },
    ],
    "ExternalSecret: keys of AWS Secrets Manager or Vault KV synced into a Secret (ESO's external-secrets.io/v1 shape)",
  ),
  "secretstore.yaml": crd(
    "SecretStore",
    "secretstores",
    ["sbss"],
    "Namespaced",
    storeSpec(false),
    [],
    "SecretStore: how to reach a provider, usable from its own namespace only",
  ),
  "clustersecretstore.yaml": crd(
    "ClusterSecretStore",
    "clustersecretstores",
    ["sbcss"],
    "Cluster",
    storeSpec(true),
    [],
    "ClusterSecretStore: a provider usable from the namespaces its conditions admit",
  ),
  "sopssecret.yaml": crd(
    "SopsSecret",
    "sopssecrets",
    ["sops"],
    "Namespaced",
    sops,
    [{ name: "Target", type: "string", jsonPath: ".status.binding.name" }],
    "SopsSecret: a sops-sealed file decrypted in-cluster with the controller's keys into a Secret",
  ),
}
for (const [f, doc] of Object.entries(out))
  for (const d of chartDir === undefined ? [dir] : [dir, chartDir])
    writeFileSync(
      `${d}/${f}`,
      "# Generated by scripts/gen-crds.mjs (npm run gen:crds); edit that file, not this one.\n" +
        stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }),
    )
writeFileSync(
  `${dir}/kustomization.yaml`,
  "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" +
    Object.keys(out)
      .map((f) => `  - ${f}\n`)
      .join(""),
)
