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
    "query Capabilities {\n  __schema {\n    queryType {\n      fields {\n        name\n      }\n    }\n    mutationType {\n      fields {\n        name\n      }\n    }\n    subscriptionType {\n      fields {\n        name\n      }\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    fullName\n    role\n  }\n}\n\nquery Figures {\n  tenderCounts {\n    status\n    count\n  }\n  matchFunnel {\n    status\n    count\n  }\n}\n\nquery Tenders($status: [TenderStatus!], $first: Int) {\n  tenders(first: $first, filter: {status: $status}) {\n    totalCount\n    edges {\n      node {\n        id\n        title\n        status\n        startDate\n        company {\n          id\n          name\n        }\n      }\n    }\n  }\n}\n\nfragment MatchCard on Match {\n  id\n  score\n  reasons\n  status\n  consultant {\n    id\n    firstName\n    lastName\n    title\n  }\n}\n\nquery TenderBoard($id: ID!) {\n  tender(id: $id) {\n    id\n    title\n    status\n    company {\n      id\n      name\n    }\n    matches(first: 50) {\n      totalCount\n      edges {\n        node {\n          ...MatchCard\n        }\n      }\n    }\n  }\n  matchFunnel(tenderId: $id) {\n    status\n    count\n  }\n}\n\nsubscription MatchesOfTender($tenderId: ID!) {\n  matchUpdated(tenderId: $tenderId) {\n    kind\n    sequence\n    match {\n      ...MatchCard\n    }\n  }\n}\n\nsubscription TenderChanges {\n  tenderUpdated {\n    kind\n    sequence\n    tender {\n      id\n      title\n      status\n    }\n  }\n}\n\nmutation AcceptMatch($id: ID!) {\n  acceptMatch(id: $id) {\n    id\n    status\n  }\n}\n\nmutation RejectMatch($input: RejectMatchInput!) {\n  rejectMatch(input: $input) {\n    id\n    status\n  }\n}": typeof types.CapabilitiesDocument,
    "mutation SignIn($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    refreshToken\n    user {\n      fullName\n      role\n      email\n    }\n  }\n}\n\nmutation SignOut($refreshToken: String!) {\n  logout(refreshToken: $refreshToken)\n}": typeof types.SignInDocument,
};
const documents: Documents = {
    "query Capabilities {\n  __schema {\n    queryType {\n      fields {\n        name\n      }\n    }\n    mutationType {\n      fields {\n        name\n      }\n    }\n    subscriptionType {\n      fields {\n        name\n      }\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    fullName\n    role\n  }\n}\n\nquery Figures {\n  tenderCounts {\n    status\n    count\n  }\n  matchFunnel {\n    status\n    count\n  }\n}\n\nquery Tenders($status: [TenderStatus!], $first: Int) {\n  tenders(first: $first, filter: {status: $status}) {\n    totalCount\n    edges {\n      node {\n        id\n        title\n        status\n        startDate\n        company {\n          id\n          name\n        }\n      }\n    }\n  }\n}\n\nfragment MatchCard on Match {\n  id\n  score\n  reasons\n  status\n  consultant {\n    id\n    firstName\n    lastName\n    title\n  }\n}\n\nquery TenderBoard($id: ID!) {\n  tender(id: $id) {\n    id\n    title\n    status\n    company {\n      id\n      name\n    }\n    matches(first: 50) {\n      totalCount\n      edges {\n        node {\n          ...MatchCard\n        }\n      }\n    }\n  }\n  matchFunnel(tenderId: $id) {\n    status\n    count\n  }\n}\n\nsubscription MatchesOfTender($tenderId: ID!) {\n  matchUpdated(tenderId: $tenderId) {\n    kind\n    sequence\n    match {\n      ...MatchCard\n    }\n  }\n}\n\nsubscription TenderChanges {\n  tenderUpdated {\n    kind\n    sequence\n    tender {\n      id\n      title\n      status\n    }\n  }\n}\n\nmutation AcceptMatch($id: ID!) {\n  acceptMatch(id: $id) {\n    id\n    status\n  }\n}\n\nmutation RejectMatch($input: RejectMatchInput!) {\n  rejectMatch(input: $input) {\n    id\n    status\n  }\n}": types.CapabilitiesDocument,
    "mutation SignIn($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    refreshToken\n    user {\n      fullName\n      role\n      email\n    }\n  }\n}\n\nmutation SignOut($refreshToken: String!) {\n  logout(refreshToken: $refreshToken)\n}": types.SignInDocument,
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
export function graphql(source: "query Capabilities {\n  __schema {\n    queryType {\n      fields {\n        name\n      }\n    }\n    mutationType {\n      fields {\n        name\n      }\n    }\n    subscriptionType {\n      fields {\n        name\n      }\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    fullName\n    role\n  }\n}\n\nquery Figures {\n  tenderCounts {\n    status\n    count\n  }\n  matchFunnel {\n    status\n    count\n  }\n}\n\nquery Tenders($status: [TenderStatus!], $first: Int) {\n  tenders(first: $first, filter: {status: $status}) {\n    totalCount\n    edges {\n      node {\n        id\n        title\n        status\n        startDate\n        company {\n          id\n          name\n        }\n      }\n    }\n  }\n}\n\nfragment MatchCard on Match {\n  id\n  score\n  reasons\n  status\n  consultant {\n    id\n    firstName\n    lastName\n    title\n  }\n}\n\nquery TenderBoard($id: ID!) {\n  tender(id: $id) {\n    id\n    title\n    status\n    company {\n      id\n      name\n    }\n    matches(first: 50) {\n      totalCount\n      edges {\n        node {\n          ...MatchCard\n        }\n      }\n    }\n  }\n  matchFunnel(tenderId: $id) {\n    status\n    count\n  }\n}\n\nsubscription MatchesOfTender($tenderId: ID!) {\n  matchUpdated(tenderId: $tenderId) {\n    kind\n    sequence\n    match {\n      ...MatchCard\n    }\n  }\n}\n\nsubscription TenderChanges {\n  tenderUpdated {\n    kind\n    sequence\n    tender {\n      id\n      title\n      status\n    }\n  }\n}\n\nmutation AcceptMatch($id: ID!) {\n  acceptMatch(id: $id) {\n    id\n    status\n  }\n}\n\nmutation RejectMatch($input: RejectMatchInput!) {\n  rejectMatch(input: $input) {\n    id\n    status\n  }\n}"): (typeof documents)["query Capabilities {\n  __schema {\n    queryType {\n      fields {\n        name\n      }\n    }\n    mutationType {\n      fields {\n        name\n      }\n    }\n    subscriptionType {\n      fields {\n        name\n      }\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    fullName\n    role\n  }\n}\n\nquery Figures {\n  tenderCounts {\n    status\n    count\n  }\n  matchFunnel {\n    status\n    count\n  }\n}\n\nquery Tenders($status: [TenderStatus!], $first: Int) {\n  tenders(first: $first, filter: {status: $status}) {\n    totalCount\n    edges {\n      node {\n        id\n        title\n        status\n        startDate\n        company {\n          id\n          name\n        }\n      }\n    }\n  }\n}\n\nfragment MatchCard on Match {\n  id\n  score\n  reasons\n  status\n  consultant {\n    id\n    firstName\n    lastName\n    title\n  }\n}\n\nquery TenderBoard($id: ID!) {\n  tender(id: $id) {\n    id\n    title\n    status\n    company {\n      id\n      name\n    }\n    matches(first: 50) {\n      totalCount\n      edges {\n        node {\n          ...MatchCard\n        }\n      }\n    }\n  }\n  matchFunnel(tenderId: $id) {\n    status\n    count\n  }\n}\n\nsubscription MatchesOfTender($tenderId: ID!) {\n  matchUpdated(tenderId: $tenderId) {\n    kind\n    sequence\n    match {\n      ...MatchCard\n    }\n  }\n}\n\nsubscription TenderChanges {\n  tenderUpdated {\n    kind\n    sequence\n    tender {\n      id\n      title\n      status\n    }\n  }\n}\n\nmutation AcceptMatch($id: ID!) {\n  acceptMatch(id: $id) {\n    id\n    status\n  }\n}\n\nmutation RejectMatch($input: RejectMatchInput!) {\n  rejectMatch(input: $input) {\n    id\n    status\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SignIn($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    refreshToken\n    user {\n      fullName\n      role\n      email\n    }\n  }\n}\n\nmutation SignOut($refreshToken: String!) {\n  logout(refreshToken: $refreshToken)\n}"): (typeof documents)["mutation SignIn($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    refreshToken\n    user {\n      fullName\n      role\n      email\n    }\n  }\n}\n\nmutation SignOut($refreshToken: String!) {\n  logout(refreshToken: $refreshToken)\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;