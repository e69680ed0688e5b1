import type { CodegenConfig } from "@graphql-codegen/cli";

// Types and typed documents for the playground's operations, generated from the schema each
// audience sees (`talentgraph export-schema --role …`, written to schema/ by
// `npm run schemas`): what a CLIENT may run is checked against the CLIENT schema.
// `npm run codegen` writes src/gql/; CI fails when it is stale. Each output also writes
// persisted-documents.json (hash → document), the manifest for TALENTGRAPH_TRUSTED_DOCUMENTS.
const shared = {
  enumsAsTypes: true,
  useTypeImports: true,
  onlyOperationTypes: true,
  scalars: { ID: "string", DateTime: "string", Date: "string", Decimal: "string", JSON: "unknown" },
};

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    "src/gql/client/": {
      schema: "schema/client.graphql",
      documents: ["src/graphql/shared/**/*.graphql"],
      preset: "client",
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
      config: shared,
    },
    "src/gql/staff/": {
      schema: "schema/manager.graphql",
      documents: ["src/graphql/staff/**/*.graphql"],
      preset: "client",
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
      config: shared,
    },
  },
};

export default config;
