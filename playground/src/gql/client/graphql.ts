/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A calendar date, `YYYY-MM-DD` (RFC 3339 `full-date`), e.g. `"2027-03-01"`. */
  Date: { input: string; output: string; }
  /**
   * An instant as an RFC 3339 date-time with its offset, e.g. `"2027-03-01T09:30:00Z"` or
   * `"2027-03-01T10:30:00+01:00"`; answers are given in UTC.
   */
  DateTime: { input: string; output: string; }
  /**
   * An exact decimal number, written as a string so that no client rounds it, e.g. `"650.00"`
   * (amounts of money have at most two decimals). Inputs may also be JSON numbers.
   */
  Decimal: { input: string; output: string; }
};

/** What joining with an invitation needs. */
export type AcceptInvitationInput = {
  /** Overrides the name given in the invitation. */
  fullName?: InputMaybe<Scalars['String']['input']>;
  /** At least 10 characters. */
  password: Scalars['String']['input'];
  /** The invitation's one-time token. */
  token: Scalars['String']['input'];
};

/** A password change of the signed-in user. */
export type ChangePasswordInput = {
  /** The password now; wrong guesses are throttled like sign-ins. */
  currentPassword: Scalars['String']['input'];
  /** At least 10 characters. Every session ends; sign in again. */
  newPassword: Scalars['String']['input'];
};

/** Filters of `collaborations`. */
export type CollaborationFilter = {
  /** Collaborations with this company. */
  companyId?: InputMaybe<Scalars['ID']['input']>;
  /** Collaborations of this consultant. */
  consultantId?: InputMaybe<Scalars['ID']['input']>;
  /** Any of these statuses. */
  status?: InputMaybe<Array<CollaborationStatus>>;
  /** Collaborations on this tender. */
  tenderId?: InputMaybe<Scalars['ID']['input']>;
};

/** How a list of collaborations is sorted (ties broken by creation order). */
export type CollaborationOrder = {
  /** Ascending or descending. */
  direction?: OrderDirection;
  /** What to sort by. */
  field?: CollaborationOrderField;
};

/** What a list of collaborations can be sorted by. */
export type CollaborationOrderField =
  /** Creation order (ids are time-ordered UUIDs). The default. */
  | 'CREATED_AT'
  /** Time of the last change. */
  | 'UPDATED_AT';

/** Life cycle of a collaboration: DRAFT → ACTIVE → COMPLETED, or CANCELLED before completion. */
export type CollaborationStatus =
  /** Under way. */
  | 'ACTIVE'
  /** Ended before completion. */
  | 'CANCELLED'
  /** Done. */
  | 'COMPLETED'
  /** Agreed, not started: dates and rate can still change. */
  | 'DRAFT';

/** Filters of `companies`. */
export type CompanyFilter = {
  /** Part of the name, case-insensitive. */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** How a list of companies is sorted (ties broken by creation order). */
export type CompanyOrder = {
  /** Ascending or descending. */
  direction?: OrderDirection;
  /** What to sort by. */
  field?: CompanyOrderField;
};

/** What a list of companies can be sorted by. */
export type CompanyOrderField =
  /** Creation order (ids are time-ordered UUIDs). */
  | 'CREATED_AT'
  /** Name, alphabetically. The default. */
  | 'NAME';

/** Filters of `consultants`. */
export type ConsultantFilter = {
  /** Available on or before this date (no availability date means available now). */
  availableBy?: InputMaybe<Scalars['Date']['input']>;
  /** Deleted consultants too (those who may restore them). */
  includeDeleted?: Scalars['Boolean']['input'];
  /** Every listed skill, at the given level or above. */
  skills?: InputMaybe<Array<SkillLevelFilter>>;
  /** Any of these statuses. */
  status?: InputMaybe<Array<ConsultantStatus>>;
  /** Part of the first name, last name or title, case-insensitive. */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** How a list of consultants is sorted (ties broken by creation order). */
export type ConsultantOrder = {
  /** Ascending or descending. */
  direction?: OrderDirection;
  /** What to sort by. */
  field?: ConsultantOrderField;
};

/** What a list of consultants can be sorted by. */
export type ConsultantOrderField =
  /** Creation order (ids are time-ordered UUIDs). */
  | 'CREATED_AT'
  /** Last name, alphabetically. The default. */
  | 'LAST_NAME'
  /** Years of experience. */
  | 'YEARS_EXPERIENCE';

/** Whether a consultant can take a mission. */
export type ConsultantStatus =
  /** Free for a mission (from `availabilityDate`, if set). */
  | 'AVAILABLE'
  /** Leaving the agency. */
  | 'LEAVING'
  /** On a mission now. */
  | 'ON_MISSION'
  /** Not taking missions for now. */
  | 'UNAVAILABLE';

/** Credentials to sign in with. */
export type LoginInput = {
  /** The user's e-mail. */
  email: Scalars['String']['input'];
  /** The user's password. */
  password: Scalars['String']['input'];
  /** The organisation's slug (the demo's is `demo`). */
  tenantSlug: Scalars['String']['input'];
};

/** What happened to a match. */
export type MatchEventKind =
  /** The match was made (generated or by hand). */
  | 'CREATED'
  /** Its score moved (the tender or the consultant changed). */
  | 'SCORE_CHANGED'
  /** It moved along its life cycle. */
  | 'STATUS_CHANGED';

/** Filters of `matches` and of the `matches` of a tender or consultant. */
export type MatchFilter = {
  /** Matches of this consultant. */
  consultantId?: InputMaybe<Scalars['ID']['input']>;
  /** Scores at or above this (0..1), the score as the reader sees it. */
  minScore?: InputMaybe<Scalars['Float']['input']>;
  /** Any of these statuses. */
  status?: InputMaybe<Array<MatchStatus>>;
  /** Matches on this tender. */
  tenderId?: InputMaybe<Scalars['ID']['input']>;
};

/** How a list of matches is sorted (ties broken by creation order). */
export type MatchOrder = {
  /** Ascending or descending. */
  direction?: OrderDirection;
  /** What to sort by. */
  field?: MatchOrderField;
};

/** What a list of matches can be sorted by. */
export type MatchOrderField =
  /** Creation order (ids are time-ordered UUIDs). */
  | 'CREATED_AT'
  /** Score (as the reader sees it: without the rate for those who may not see rates). The default. */
  | 'SCORE';

/** Life cycle of a match: PENDING → PROPOSED → ACCEPTED | REJECTED, or CANCELLED. */
export type MatchStatus =
  /** Accepted by the client: a collaboration was created. */
  | 'ACCEPTED'
  /** Withdrawn by the agency, or its tender ended. */
  | 'CANCELLED'
  /** Found by the agency; internal until proposed. */
  | 'PENDING'
  /** Shown to the client and the consultant, awaiting the client's decision. */
  | 'PROPOSED'
  /** Turned down by the client (see `rejectionReason`). */
  | 'REJECTED';

/** Sort direction of an `orderBy`. */
export type OrderDirection =
  /** Smallest (or oldest, or first in the alphabet) first. */
  | 'ASC'
  /** Largest (or newest, or last in the alphabet) first. */
  | 'DESC';

/** A client's rejection of a proposed match. */
export type RejectMatchInput = {
  /** The match (PROPOSED). */
  id: Scalars['ID']['input'];
  /** Why, in a few words; the agency sees it. */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** Where a consultant prefers to work. */
export type RemotePreference =
  /** Partly on site, partly remote. */
  | 'HYBRID'
  /** At the client's premises only. */
  | 'ONSITE'
  /** Remote only. */
  | 'REMOTE';

/** A user's role; each role is a bundle of permissions. */
export type Role =
  /** Runs the organisation: users, audit, everything. */
  | 'ADMIN'
  /** A client company's user, seeing its tenders and the consultants proposed to it. */
  | 'CLIENT'
  /** A consultant signing in to their own profile, missions and matches. */
  | 'CONSULTANT'
  /** Runs the business: clients, consultants, tenders, matches. */
  | 'MANAGER';

/** Narrows a search. */
export type SearchFilter = {
  /** Only this consultant's profile, résumés and portfolio projects. */
  consultantId?: InputMaybe<Scalars['ID']['input']>;
};

/** How a hit was found. */
export type SearchMatch =
  /** Its text means something close to the query. */
  | 'MEANING'
  /** Its text has words of the query. */
  | 'WORDS';

/** What a search can find. */
export type SearchType =
  /**
   * Consultants' profiles: name, title, skills, location, bio (and, for the agency, its
   * internal notes).
   */
  | 'CONSULTANT'
  /** Portfolio projects: title, client, skills, description. */
  | 'PORTFOLIO'
  /** Tenders: title, company, required skills, location, description. */
  | 'TENDER';

/** A new organisation and its first ADMIN. */
export type SignUpInput = {
  /** E-mail of the first ADMIN. */
  email: Scalars['String']['input'];
  /** The first ADMIN's name. */
  fullName: Scalars['String']['input'];
  /** Display name of the new organisation. */
  organizationName: Scalars['String']['input'];
  /** At least 10 characters. */
  password: Scalars['String']['input'];
  /** Unique short name (3–48 of a-z, 0-9, `-`), used to sign in. */
  slug: Scalars['String']['input'];
};

/** Filters of `skills`. */
export type SkillFilter = {
  /** Skills of exactly this category. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** Part of the name, case-insensitive. */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** How much a tender needs a skill. */
export type SkillImportance =
  /** A bonus: weighs least. */
  | 'NICE_TO_HAVE'
  /** Should have. */
  | 'PREFERRED'
  /** Must have: weighs most in the score. */
  | 'REQUIRED';

/** Mastery of a skill, in increasing order. */
export type SkillLevel =
  /** Handles complex work and guides others. */
  | 'ADVANCED'
  /** Knows the basics. */
  | 'BEGINNER'
  /** A reference in the field. */
  | 'EXPERT'
  /** Works autonomously. */
  | 'INTERMEDIATE';

/** A skill a consultant must have, at a level or above. */
export type SkillLevelFilter = {
  /** The lowest acceptable level (BEGINNER unless given). */
  minLevel?: SkillLevel;
  /** A skill of the catalogue. */
  skillId: Scalars['ID']['input'];
};

/** How a list of skills is sorted (ties broken by creation order). */
export type SkillOrder = {
  /** Ascending or descending. */
  direction?: OrderDirection;
  /** What to sort by. */
  field?: SkillOrderField;
};

/** What a list of skills can be sorted by. */
export type SkillOrderField =
  /** Creation order (ids are time-ordered UUIDs). */
  | 'CREATED_AT'
  /** Name, alphabetically. The default. */
  | 'NAME';

/** What happened to a tender. */
export type TenderEventKind =
  /** It was created (DRAFT). */
  | 'CREATED'
  /** It was deleted (the tender shown is the last state it had). */
  | 'DELETED'
  /** DRAFT → OPEN. */
  | 'PUBLISHED'
  /** Another move of its life cycle. */
  | 'STATUS_CHANGED'
  /** Its details or required skills changed. */
  | 'UPDATED';

/** Filters of `tenders`. */
export type TenderFilter = {
  /** Tenders of this company. */
  companyId?: InputMaybe<Scalars['ID']['input']>;
  /** Tenders asking for this skill. */
  skillId?: InputMaybe<Scalars['ID']['input']>;
  /** Starting on or after this date. */
  startFrom?: InputMaybe<Scalars['Date']['input']>;
  /** Starting on or before this date. */
  startTo?: InputMaybe<Scalars['Date']['input']>;
  /** Any of these statuses. */
  status?: InputMaybe<Array<TenderStatus>>;
  /** Part of the title, case-insensitive. */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** How a list of tenders is sorted (ties broken by creation order). */
export type TenderOrder = {
  /** Ascending or descending. */
  direction?: OrderDirection;
  /** What to sort by. */
  field?: TenderOrderField;
};

/** What a list of tenders can be sorted by. */
export type TenderOrderField =
  /** Creation order (ids are time-ordered UUIDs). The default. */
  | 'CREATED_AT'
  /** Title, alphabetically. */
  | 'TITLE';

/** Life cycle of a tender: DRAFT → OPEN → IN_PROGRESS → CLOSED, or CANCELLED. */
export type TenderStatus =
  /** Called off; open matches and DRAFT collaborations were cancelled. */
  | 'CANCELLED'
  /** Over or filled; open matches were cancelled, accepted ones go on. */
  | 'CLOSED'
  /** Being written; only the agency sees it. */
  | 'DRAFT'
  /** The mission has started. */
  | 'IN_PROGRESS'
  /** Published: consultants see it, matches can be proposed and accepted. */
  | 'OPEN';

/** An enum describing what kind of type a given `__Type` is. */
export type __TypeKind =
  /** Indicates this type is a scalar. */
  | 'SCALAR'
  /** Indicates this type is an object. `fields` and `interfaces` are valid fields. */
  | 'OBJECT'
  /** Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields. */
  | 'INTERFACE'
  /** Indicates this type is a union. `possibleTypes` is a valid field. */
  | 'UNION'
  /** Indicates this type is an enum. `enumValues` is a valid field. */
  | 'ENUM'
  /** Indicates this type is an input object. `inputFields` is a valid field. */
  | 'INPUT_OBJECT'
  /** Indicates this type is a list. `ofType` is a valid field. */
  | 'LIST'
  /** Indicates this type is a non-null. `ofType` is a valid field. */
  | 'NON_NULL';

/** A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies. */
export type __DirectiveLocation =
  /** Location adjacent to a query operation. */
  | 'QUERY'
  /** Location adjacent to a mutation operation. */
  | 'MUTATION'
  /** Location adjacent to a subscription operation. */
  | 'SUBSCRIPTION'
  /** Location adjacent to a field. */
  | 'FIELD'
  /** Location adjacent to a fragment definition. */
  | 'FRAGMENT_DEFINITION'
  /** Location adjacent to a fragment spread. */
  | 'FRAGMENT_SPREAD'
  /** Location adjacent to an inline fragment. */
  | 'INLINE_FRAGMENT'
  /** Location adjacent to a variable definition. */
  | 'VARIABLE_DEFINITION'
  /** Location adjacent to a schema definition. */
  | 'SCHEMA'
  /** Location adjacent to a scalar definition. */
  | 'SCALAR'
  /** Location adjacent to an object type definition. */
  | 'OBJECT'
  /** Location adjacent to a field definition. */
  | 'FIELD_DEFINITION'
  /** Location adjacent to an argument definition. */
  | 'ARGUMENT_DEFINITION'
  /** Location adjacent to an interface definition. */
  | 'INTERFACE'
  /** Location adjacent to a union definition. */
  | 'UNION'
  /** Location adjacent to an enum definition. */
  | 'ENUM'
  /** Location adjacent to an enum value definition. */
  | 'ENUM_VALUE'
  /** Location adjacent to an input object type definition. */
  | 'INPUT_OBJECT'
  /** Location adjacent to an input object field definition. */
  | 'INPUT_FIELD_DEFINITION'
  /** Location adjacent to a directive definition. */
  | 'DIRECTIVE_DEFINITION';

export type CapabilitiesQueryVariables = Exact<{ [key: string]: never; }>;


export type CapabilitiesQuery = { __typename?: 'Query', __schema: { __typename?: '__Schema', queryType: { __typename?: '__Type', fields?: Array<{ __typename?: '__Field', name: string }> | null }, mutationType?: { __typename?: '__Type', fields?: Array<{ __typename?: '__Field', name: string }> | null } | null, subscriptionType?: { __typename?: '__Type', fields?: Array<{ __typename?: '__Field', name: string }> | null } | null } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'User', id: string, fullName: string, role: Role } };

export type FiguresQueryVariables = Exact<{ [key: string]: never; }>;


export type FiguresQuery = { __typename?: 'Query', tenderCounts: Array<{ __typename?: 'TenderStatusCount', status: TenderStatus, count: number }>, matchFunnel: Array<{ __typename?: 'MatchStatusCount', status: MatchStatus, count: number }> };

export type TendersQueryVariables = Exact<{
  status?: InputMaybe<Array<TenderStatus> | TenderStatus>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type TendersQuery = { __typename?: 'Query', tenders: { __typename?: 'TenderConnection', totalCount: number, edges: Array<{ __typename?: 'TenderEdge', node: { __typename?: 'Tender', id: string, title: string, status: TenderStatus, startDate?: string | null, company: { __typename?: 'Company', id: string, name: string } } }> } };

export type MatchCardFragment = { __typename?: 'Match', id: string, score: number, reasons: Array<string>, status: MatchStatus, consultant: { __typename?: 'Consultant', id: string, firstName: string, lastName: string, title: string } };

export type TenderBoardQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type TenderBoardQuery = { __typename?: 'Query', tender: { __typename?: 'Tender', id: string, title: string, status: TenderStatus, company: { __typename?: 'Company', id: string, name: string }, matches: { __typename?: 'MatchConnection', totalCount: number, edges: Array<{ __typename?: 'MatchEdge', node: { __typename?: 'Match', id: string, score: number, reasons: Array<string>, status: MatchStatus, consultant: { __typename?: 'Consultant', id: string, firstName: string, lastName: string, title: string } } }> } }, matchFunnel: Array<{ __typename?: 'MatchStatusCount', status: MatchStatus, count: number }> };

export type MatchesOfTenderSubscriptionVariables = Exact<{
  tenderId: Scalars['ID']['input'];
}>;


export type MatchesOfTenderSubscription = { __typename?: 'Subscription', matchUpdated: { __typename?: 'MatchEvent', kind: MatchEventKind, sequence: number, match: { __typename?: 'Match', id: string, score: number, reasons: Array<string>, status: MatchStatus, consultant: { __typename?: 'Consultant', id: string, firstName: string, lastName: string, title: string } } } };

export type TenderChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type TenderChangesSubscription = { __typename?: 'Subscription', tenderUpdated: { __typename?: 'TenderEvent', kind: TenderEventKind, sequence: number, tender: { __typename?: 'Tender', id: string, title: string, status: TenderStatus } } };

export type AcceptMatchMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type AcceptMatchMutation = { __typename?: 'Mutation', acceptMatch: { __typename?: 'Match', id: string, status: MatchStatus } };

export type RejectMatchMutationVariables = Exact<{
  input: RejectMatchInput;
}>;


export type RejectMatchMutation = { __typename?: 'Mutation', rejectMatch: { __typename?: 'Match', id: string, status: MatchStatus } };

export type SignInMutationVariables = Exact<{
  input: LoginInput;
}>;


export type SignInMutation = { __typename?: 'Mutation', login: { __typename?: 'AuthPayload', accessToken: string, refreshToken: string, user: { __typename?: 'User', fullName: string, role: Role, email: string } } };

export type SignOutMutationVariables = Exact<{
  refreshToken: Scalars['String']['input'];
}>;


export type SignOutMutation = { __typename?: 'Mutation', logout: boolean };

export const MatchCardFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MatchCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Match"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"consultant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]} as unknown as DocumentNode<MatchCardFragment, unknown>;
export const CapabilitiesDocument = {"__meta__":{"hash":"542d42df91d395aba46e0b3c0d53458b50b65aa79aebe438580f1fe65248c423"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Capabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__schema"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"queryType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"mutationType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"subscriptionType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CapabilitiesQuery, CapabilitiesQueryVariables>;
export const MeDocument = {"__meta__":{"hash":"cb8467d37f3245c5e9ff3617d365d3aebfa15fe87f581906fc8b83cfa06828cd"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const FiguresDocument = {"__meta__":{"hash":"aae769da055e15cc93537d3dd3959d848cb45d42df2bccdd7883ca900419ae35"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Figures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenderCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"matchFunnel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]} as unknown as DocumentNode<FiguresQuery, FiguresQueryVariables>;
export const TendersDocument = {"__meta__":{"hash":"b81906717af616735147f8d9fe2dee4de21d56d450e7796f904f3ea4b7eff901"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Tenders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TenderStatus"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"company"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<TendersQuery, TendersQueryVariables>;
export const TenderBoardDocument = {"__meta__":{"hash":"de990163f233bd4accb559ce0daa38aa3188fae133c77738ee0a82446db19fb4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TenderBoard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tender"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"company"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"matches"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MatchCard"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"matchFunnel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"tenderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MatchCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Match"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"consultant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]} as unknown as DocumentNode<TenderBoardQuery, TenderBoardQueryVariables>;
export const MatchesOfTenderDocument = {"__meta__":{"hash":"6b546d8ce27c9e3c4d8fd2f76e9961b8c38b1634b6e65e3515466970725765d2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"MatchesOfTender"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tenderId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"matchUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"tenderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tenderId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"match"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MatchCard"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MatchCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Match"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"consultant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]} as unknown as DocumentNode<MatchesOfTenderSubscription, MatchesOfTenderSubscriptionVariables>;
export const TenderChangesDocument = {"__meta__":{"hash":"0d8f8bd76ff5f9278d09b369d899253f4d64fb63081dc2f3472cc5abc50401df"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"TenderChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenderUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"tender"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<TenderChangesSubscription, TenderChangesSubscriptionVariables>;
export const AcceptMatchDocument = {"__meta__":{"hash":"65a6ba1a5bd697fcbb614f2e1d5c54d8078e92b1362d5db1026c959e69f7b5f2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AcceptMatch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acceptMatch"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<AcceptMatchMutation, AcceptMatchMutationVariables>;
export const RejectMatchDocument = {"__meta__":{"hash":"b18a456029241aa1e99ec400a1b8e920df4a871fae1e8c89d2945d35fd4a3779"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RejectMatch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RejectMatchInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rejectMatch"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<RejectMatchMutation, RejectMatchMutationVariables>;
export const SignInDocument = {"__meta__":{"hash":"e4f785351e02d6767e7ad737544794488633fc7a66151a772cef1e1bdefbc48e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const SignOutDocument = {"__meta__":{"hash":"e928dad2a808e186a554d0e0d835f5d7b8b2be42c7e618cc99e34a74c807533e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOut"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refreshToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}}}]}]}}]} as unknown as DocumentNode<SignOutMutation, SignOutMutationVariables>;