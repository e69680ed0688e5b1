/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation PublishTender($id: ID!) {\n  publishTender(id: $id) {\n    id\n    status\n  }\n}\n\nmutation GenerateMatches($input: GenerateMatchesInput!) {\n  generateMatches(input: $input) {\n    id\n  }\n}\n\nmutation ProposeMatch($id: ID!) {\n  proposeMatch(id: $id) {\n    id\n    status\n  }\n}\n\nquery RunFigures {\n  workflowRunCounts {\n    status\n    count\n  }\n}\n\nquery Workflows {\n  workflows(first: 50) {\n    edges {\n      node {\n        id\n        name\n        enabled\n        trigger {\n          kind\n          event\n          cron\n        }\n      }\n    }\n  }\n}\n\nfragment RunCard on WorkflowRun {\n  id\n  status\n  trigger\n  error\n  queuedAt\n  startedAt\n  finishedAt\n  steps {\n    index\n    kind\n    status\n    attempts\n    error\n  }\n}\n\nquery WorkflowRuns($workflowId: ID!) {\n  workflowRuns(first: 10, filter: {workflowId: $workflowId}) {\n    edges {\n      node {\n        ...RunCard\n      }\n    }\n  }\n}\n\nsubscription RunsOfWorkflow($workflowId: ID!) {\n  workflowRunUpdated(workflowId: $workflowId) {\n    sequence\n    run {\n      ...RunCard\n    }\n  }\n}\n\nmutation RunWorkflow($input: RunWorkflowInput!) {\n  runWorkflow(input: $input) {\n    id\n    status\n  }\n}": typeof types.PublishTenderDocument,
};
const documents: Documents = {
    "mutation PublishTender($id: ID!) {\n  publishTender(id: $id) {\n    id\n    status\n  }\n}\n\nmutation GenerateMatches($input: GenerateMatchesInput!) {\n  generateMatches(input: $input) {\n    id\n  }\n}\n\nmutation ProposeMatch($id: ID!) {\n  proposeMatch(id: $id) {\n    id\n    status\n  }\n}\n\nquery RunFigures {\n  workflowRunCounts {\n    status\n    count\n  }\n}\n\nquery Workflows {\n  workflows(first: 50) {\n    edges {\n      node {\n        id\n        name\n        enabled\n        trigger {\n          kind\n          event\n          cron\n        }\n      }\n    }\n  }\n}\n\nfragment RunCard on WorkflowRun {\n  id\n  status\n  trigger\n  error\n  queuedAt\n  startedAt\n  finishedAt\n  steps {\n    index\n    kind\n    status\n    attempts\n    error\n  }\n}\n\nquery WorkflowRuns($workflowId: ID!) {\n  workflowRuns(first: 10, filter: {workflowId: $workflowId}) {\n    edges {\n      node {\n        ...RunCard\n      }\n    }\n  }\n}\n\nsubscription RunsOfWorkflow($workflowId: ID!) {\n  workflowRunUpdated(workflowId: $workflowId) {\n    sequence\n    run {\n      ...RunCard\n    }\n  }\n}\n\nmutation RunWorkflow($input: RunWorkflowInput!) {\n  runWorkflow(input: $input) {\n    id\n    status\n  }\n}": types.PublishTenderDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PublishTender($id: ID!) {\n  publishTender(id: $id) {\n    id\n    status\n  }\n}\n\nmutation GenerateMatches($input: GenerateMatchesInput!) {\n  generateMatches(input: $input) {\n    id\n  }\n}\n\nmutation ProposeMatch($id: ID!) {\n  proposeMatch(id: $id) {\n    id\n    status\n  }\n}\n\nquery RunFigures {\n  workflowRunCounts {\n    status\n    count\n  }\n}\n\nquery Workflows {\n  workflows(first: 50) {\n    edges {\n      node {\n        id\n        name\n        enabled\n        trigger {\n          kind\n          event\n          cron\n        }\n      }\n    }\n  }\n}\n\nfragment RunCard on WorkflowRun {\n  id\n  status\n  trigger\n  error\n  queuedAt\n  startedAt\n  finishedAt\n  steps {\n    index\n    kind\n    status\n    attempts\n    error\n  }\n}\n\nquery WorkflowRuns($workflowId: ID!) {\n  workflowRuns(first: 10, filter: {workflowId: $workflowId}) {\n    edges {\n      node {\n        ...RunCard\n      }\n    }\n  }\n}\n\nsubscription RunsOfWorkflow($workflowId: ID!) {\n  workflowRunUpdated(workflowId: $workflowId) {\n    sequence\n    run {\n      ...RunCard\n    }\n  }\n}\n\nmutation RunWorkflow($input: RunWorkflowInput!) {\n  runWorkflow(input: $input) {\n    id\n    status\n  }\n}"): (typeof documents)["mutation PublishTender($id: ID!) {\n  publishTender(id: $id) {\n    id\n    status\n  }\n}\n\nmutation GenerateMatches($input: GenerateMatchesInput!) {\n  generateMatches(input: $input) {\n    id\n  }\n}\n\nmutation ProposeMatch($id: ID!) {\n  proposeMatch(id: $id) {\n    id\n    status\n  }\n}\n\nquery RunFigures {\n  workflowRunCounts {\n    status\n    count\n  }\n}\n\nquery Workflows {\n  workflows(first: 50) {\n    edges {\n      node {\n        id\n        name\n        enabled\n        trigger {\n          kind\n          event\n          cron\n        }\n      }\n    }\n  }\n}\n\nfragment RunCard on WorkflowRun {\n  id\n  status\n  trigger\n  error\n  queuedAt\n  startedAt\n  finishedAt\n  steps {\n    index\n    kind\n    status\n    attempts\n    error\n  }\n}\n\nquery WorkflowRuns($workflowId: ID!) {\n  workflowRuns(first: 10, filter: {workflowId: $workflowId}) {\n    edges {\n      node {\n        ...RunCard\n      }\n    }\n  }\n}\n\nsubscription RunsOfWorkflow($workflowId: ID!) {\n  workflowRunUpdated(workflowId: $workflowId) {\n    sequence\n    run {\n      ...RunCard\n    }\n  }\n}\n\nmutation RunWorkflow($input: RunWorkflowInput!) {\n  runWorkflow(input: $input) {\n    id\n    status\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;