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
  /** A scalar that can represent any JSON value. */
  JSON: { input: unknown; output: unknown; }
  /** A multipart file upload */
  Upload: { input: any; output: any; }
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

/** Suggestions of a résumé to copy into its consultant's profile. */
export type ApplyResumeSuggestionsInput = {
  /**
   * Ids of its analysis' suggestions: `title`, `totalYears`, `email:<n>`, `phone:<n>`,
   * `skill:<skill id>`.
   */
  accept: Array<Scalars['String']['input']>;
  /** The résumé (its status `DONE`). */
  resumeId: Scalars['ID']['input'];
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

/** One skill of a consultant. */
export type ConsultantSkillInput = {
  /** How well the consultant masters it. */
  level: SkillLevel;
  /** A skill of the catalogue. */
  skillId: Scalars['ID']['input'];
  /** Years of practice of it (0 to 70). */
  yearsExperience?: Scalars['Int']['input'];
};

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

/** A new client company. */
export type CreateCompanyInput = {
  /** Postal address. */
  address?: InputMaybe<Scalars['String']['input']>;
  /** What the company does. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The company's name (at most 200 characters). */
  name: Scalars['String']['input'];
  /** `http(s)://…` */
  website?: InputMaybe<Scalars['String']['input']>;
};

/** A new consultant. */
export type CreateConsultantInput = {
  /** From when the consultant can start; none means now. */
  availabilityDate?: InputMaybe<Scalars['Date']['input']>;
  /** A short presentation. */
  bio?: InputMaybe<Scalars['String']['input']>;
  /** Daily rate, e.g. `"650.00"`. */
  dailyRate?: InputMaybe<Scalars['Decimal']['input']>;
  /** E-mail (stored encrypted). */
  email?: InputMaybe<Scalars['String']['input']>;
  /** First name (at most 100 characters). */
  firstName: Scalars['String']['input'];
  /** The agency's internal notes (never shown to clients or consultants). */
  internalNotes?: InputMaybe<Scalars['String']['input']>;
  /** Last name (at most 100 characters). */
  lastName: Scalars['String']['input'];
  /** Where the consultant lives or works from. */
  location?: InputMaybe<Scalars['String']['input']>;
  /** Phone (stored encrypted). */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** HYBRID unless given. */
  remote?: InputMaybe<RemotePreference>;
  /** AVAILABLE unless given. */
  status?: InputMaybe<ConsultantStatus>;
  /** Job title, e.g. "Senior Rust engineer". */
  title: Scalars['String']['input'];
  /** Years of professional experience (0 to 70). */
  yearsExperience?: Scalars['Int']['input'];
};

/** A match made by hand. */
export type CreateMatchInput = {
  /** A consultant not yet matched to it. */
  consultantId: Scalars['ID']['input'];
  /** Internal notes. */
  notes?: InputMaybe<Scalars['String']['input']>;
  /** A tender that is not CLOSED or CANCELLED. */
  tenderId: Scalars['ID']['input'];
};

/** A new project of a consultant's portfolio. */
export type CreatePortfolioProjectInput = {
  /** The client's name, when it is not a company of the organisation. */
  clientName?: InputMaybe<Scalars['String']['input']>;
  /** The client, a company of the organisation. */
  companyId?: InputMaybe<Scalars['ID']['input']>;
  /** The consultant (a consultant: themself). */
  consultantId: Scalars['ID']['input'];
  /** What was done, and how. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** When it ended; not before `startDate`. */
  endDate?: InputMaybe<Scalars['Date']['input']>;
  /** Kept from clients (default `false`). */
  internal?: Scalars['Boolean']['input'];
  /** Skills of the catalogue it used. */
  skillIds?: Array<Scalars['ID']['input']>;
  /** When it began. */
  startDate?: InputMaybe<Scalars['Date']['input']>;
  /** What the project was called (at most 200 characters). */
  title: Scalars['String']['input'];
  /** A link to the project (http or https). */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** A new skill of the catalogue. */
export type CreateSkillInput = {
  /** Its category, e.g. `Languages`. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** Its name, unique in the catalogue whatever the case. */
  name: Scalars['String']['input'];
};

/** A new tender (created as DRAFT). */
export type CreateTenderInput = {
  /** Not below `budgetMin`. */
  budgetMax?: InputMaybe<Scalars['Decimal']['input']>;
  /** The lowest daily rate considered. */
  budgetMin?: InputMaybe<Scalars['Decimal']['input']>;
  /** The client company asking. */
  companyId: Scalars['ID']['input'];
  /** The mission in detail. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Not before `startDate`. */
  endDate?: InputMaybe<Scalars['Date']['input']>;
  /** Where the mission takes place. */
  location?: InputMaybe<Scalars['String']['input']>;
  /** Whether the mission can be done remotely (no unless given). */
  remoteAllowed?: Scalars['Boolean']['input'];
  /** When the mission starts. */
  startDate?: InputMaybe<Scalars['Date']['input']>;
  /** What the mission is, in a line (at most 200 characters). */
  title: Scalars['String']['input'];
};

/** A new workflow. */
export type CreateWorkflowInput = {
  /**
   * An expression over the run's data (`tender.remoteAllowed and tender.location == 'Paris'`);
   * the run starts only when it holds.
   */
  condition?: InputMaybe<Scalars['String']['input']>;
  /** Off, it starts on nothing but `runWorkflow` (default on). */
  enabled?: Scalars['Boolean']['input'];
  /** What people call it (at most 200 characters). */
  name: Scalars['String']['input'];
  /** What it does, in order (1 to 20 steps). */
  steps: Array<WorkflowStepInput>;
  /** What starts it. */
  trigger: WorkflowTriggerInput;
};

/** A company to delete. */
export type DeleteCompanyInput = {
  /**
   * Also delete the company's tenders (with their matches) and collaborations; without it,
   * a company that has tenders is not deleted (`CONFLICT`).
   */
  cascade?: Scalars['Boolean']['input'];
  /** The company. */
  id: Scalars['ID']['input'];
};

/** The domain events a workflow may start on. */
export type EventType =
  /** A collaboration began (a match was accepted). */
  | 'COLLABORATION_CREATED'
  /** A consultant was added. */
  | 'CONSULTANT_CREATED'
  /** A consultant was deleted. */
  | 'CONSULTANT_DELETED'
  /** A consultant's profile, rate, availability or skills changed. */
  | 'CONSULTANT_UPDATED'
  /** A match was made (generated or by hand). */
  | 'MATCH_CREATED'
  /** A match was deleted. */
  | 'MATCH_DELETED'
  /** A match was re-scored. */
  | 'MATCH_SCORE_CHANGED'
  /** A match moved along its life cycle (proposed, accepted, rejected, cancelled). */
  | 'MATCH_STATUS_CHANGED'
  /** A résumé could not be read, for good. */
  | 'RESUME_FAILED'
  /** A résumé was read: its text and suggestions are ready. */
  | 'RESUME_PROCESSED'
  /** A résumé was uploaded (its extraction is queued). */
  | 'RESUME_UPLOADED'
  /** A tender was created (DRAFT). */
  | 'TENDER_CREATED'
  /** A tender was deleted. */
  | 'TENDER_DELETED'
  /** A tender was published (DRAFT → OPEN). */
  | 'TENDER_PUBLISHED'
  /** A tender moved along its life cycle otherwise (started, closed, cancelled). */
  | 'TENDER_STATUS_CHANGED'
  /** A tender's title, dates, budget, place or required skills changed. */
  | 'TENDER_UPDATED';

/** What `generateMatches` scores and keeps. */
export type GenerateMatchesInput = {
  /** Keep at most this many (1 to 200; 20 by default). */
  limit?: InputMaybe<Scalars['Int']['input']>;
  /** Keep candidates scoring at least this (0..1); the organisation's `minScore` otherwise. */
  minScore?: InputMaybe<Scalars['Float']['input']>;
  /** The tender (not CLOSED or CANCELLED). */
  tenderId: Scalars['ID']['input'];
};

/** Where the job executing a run stands in the durable queue. */
export type JobState =
  /** Cancelled before a worker took it. */
  | 'CANCELLED'
  /** Failed its last attempt (see `lastError`); `retryWorkflowRun` queues it again. */
  | 'DEAD'
  /** Waiting for a worker (or for its next attempt, `runAt`). */
  | 'QUEUED'
  /** Held by a worker under a lease. */
  | 'RUNNING'
  /** Done. */
  | 'SUCCEEDED';

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

/** What happened to a résumé. */
export type ResumeEventKind =
  /** Deleted, with its file. */
  | 'DELETED'
  /** Could not be read (`error` says why). */
  | 'FAILED'
  /** Read: its text and analysis are ready. */
  | 'PROCESSED'
  /** Uploaded; its reading is queued. */
  | 'UPLOADED';

/** What kind of file a résumé is, decided from its content (never its name). */
export type ResumeFormat =
  /** A Word document (Office Open XML). */
  | 'DOCX'
  /** A PDF document. */
  | 'PDF'
  /** Plain text (UTF-8). */
  | 'TEXT';

/** Where a résumé's reading stands. */
export type ResumeStatus =
  /** Read: its text is available. */
  | 'DONE'
  /** Could not be read (`error` says why). */
  | 'FAILED'
  /** Uploaded; waiting to be read. */
  | 'PENDING'
  /** Being read. */
  | 'PROCESSING';

/** How often and how soon a failing step is tried again. */
export type RetryPolicyInput = {
  /** Attempts in all, the first included (1 to 10). */
  attempts: Scalars['Int']['input'];
  /** The wait before the first retry (0 to 3600); each further one doubles it. */
  initialDelaySeconds: Scalars['Float']['input'];
};

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

/** Where a run stands: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED. */
export type RunStatus =
  /** Cancelled before it ended. */
  | 'CANCELLED'
  /** A step failed its last attempt (see `error`); `retryWorkflowRun` runs it again. */
  | 'FAILED'
  /** Waiting for a worker (or, for runs on one entity, for the run before it). */
  | 'QUEUED'
  /** A worker is running its steps. */
  | 'RUNNING'
  /** Every step succeeded. */
  | 'SUCCEEDED';

/** A run started by hand. */
export type RunWorkflowInput = {
  /** The run's data (a JSON object; `{"tenderId": "…"}` for steps on a tender). */
  input?: InputMaybe<Scalars['JSON']['input']>;
  /** The workflow to run. */
  workflowId: Scalars['ID']['input'];
};

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
  /** Résumés' text, without contact data. */
  | 'RESUME'
  /** Tenders: title, company, required skills, location, description. */
  | 'TENDER';

/** A consultant's complete set of skills. */
export type SetConsultantSkillsInput = {
  /** The consultant. */
  consultantId: Scalars['ID']['input'];
  /** The complete set: skills not listed are removed. */
  skills: Array<ConsultantSkillInput>;
};

/** A tender's complete set of required skills. */
export type SetTenderSkillsInput = {
  /** The complete set: skills not listed are removed. */
  skills: Array<TenderSkillInput>;
  /** The tender (not CLOSED or CANCELLED). */
  tenderId: Scalars['ID']['input'];
};

/** A workflow switched on or off. */
export type SetWorkflowEnabledInput = {
  /** On or off. */
  enabled: Scalars['Boolean']['input'];
  /** The workflow's id. */
  id: Scalars['ID']['input'];
};

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

/** The kinds of step. */
export type StepKind =
  /**
   * POSTs the run's data as JSON, signed per Standard Webhooks. Config:
   * `{"url": "https://…", "timeoutSeconds": 10}`.
   */
  | 'CALL_WEBHOOK'
  /**
   * Scores the tender's candidates and saves the best as PENDING matches. Config:
   * `{"minScore": 0.5, "limit": 20}` (both optional).
   */
  | 'GENERATE_MATCHES'
  /** Proposes the tender's best PENDING matches. Config: `{"count": 3}`. */
  | 'PROPOSE_TOP_MATCHES'
  /**
   * Sends an e-mail whose fields are templates over the run's data. Config:
   * `{"to": "…", "subject": "…", "body": "…"}`.
   */
  | 'SEND_EMAIL'
  /** Moves the tender along its life cycle. Config: `{"status": "IN_PROGRESS"}`. */
  | 'SET_TENDER_STATUS';

/** Where one step of a run stands. */
export type StepStatus =
  /** Failed its last attempt: the run failed. */
  | 'FAILED'
  /** Not begun. */
  | 'PENDING'
  /** Failed an attempt; the next comes after a backoff (`nextAttemptAt`). */
  | 'RETRYING'
  /** An attempt is under way. */
  | 'RUNNING'
  /** Not run: the run was cancelled or failed before it. */
  | 'SKIPPED'
  /** Done; its output is kept. */
  | 'SUCCEEDED';

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

/** One skill a tender asks for. */
export type TenderSkillInput = {
  /** How much the tender needs it (REQUIRED unless given). */
  importance?: SkillImportance;
  /** The lowest level that fully meets it (INTERMEDIATE unless given). */
  minLevel?: SkillLevel;
  /** A skill of the catalogue. */
  skillId: Scalars['ID']['input'];
};

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

/** What starts a workflow. */
export type TriggerKind =
  /** A domain event of the organisation (`event`). */
  | 'EVENT'
  /** Someone calls `runWorkflow`. */
  | 'MANUAL'
  /** A cron schedule in a time zone (`cron`, `timezone`). */
  | 'SCHEDULE'
  /** A signed `POST /hooks/<workflow id>` from another system (n8n, Zapier, a client's). */
  | 'WEBHOOK';

/** Changes to a collaboration: omitted fields stay as they are, `null` clears them. */
export type UpdateCollaborationInput = {
  /** The agreed daily rate; `null` clears it. */
  dailyRate?: InputMaybe<Scalars['Decimal']['input']>;
  /** The new end, not before the start; `null` clears it. */
  endDate?: InputMaybe<Scalars['Date']['input']>;
  /** The collaboration. */
  id: Scalars['ID']['input'];
  /** The new start; `null` clears it. */
  startDate?: InputMaybe<Scalars['Date']['input']>;
  /** DRAFT → ACTIVE → COMPLETED, or CANCELLED before completion. */
  status?: InputMaybe<CollaborationStatus>;
};

/** Changes to a company: omitted fields stay as they are, `null` clears them. */
export type UpdateCompanyInput = {
  /** The new postal address; `null` clears it. */
  address?: InputMaybe<Scalars['String']['input']>;
  /** The new description; `null` clears it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The company. */
  id: Scalars['ID']['input'];
  /** The new name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The new `http(s)://…` address; `null` clears it. */
  website?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a consultant: omitted fields stay as they are, `null` clears them. */
export type UpdateConsultantInput = {
  /** From when the consultant can start; `null` means now. */
  availabilityDate?: InputMaybe<Scalars['Date']['input']>;
  /** The new presentation; `null` clears it. */
  bio?: InputMaybe<Scalars['String']['input']>;
  /** The new daily rate; `null` clears it. */
  dailyRate?: InputMaybe<Scalars['Decimal']['input']>;
  /** The new e-mail; `null` clears it. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** The new first name. */
  firstName?: InputMaybe<Scalars['String']['input']>;
  /** The consultant. */
  id: Scalars['ID']['input'];
  /** The new internal notes; `null` clears them. */
  internalNotes?: InputMaybe<Scalars['String']['input']>;
  /** The new last name. */
  lastName?: InputMaybe<Scalars['String']['input']>;
  /** The new location; `null` clears it. */
  location?: InputMaybe<Scalars['String']['input']>;
  /** The new phone; `null` clears it. */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** The new work preference. */
  remote?: InputMaybe<RemotePreference>;
  /** The new status. */
  status?: InputMaybe<ConsultantStatus>;
  /** The new job title. */
  title?: InputMaybe<Scalars['String']['input']>;
  /** Years of professional experience (0 to 70). */
  yearsExperience?: InputMaybe<Scalars['Int']['input']>;
};

/** Changes to a match's internal notes. */
export type UpdateMatchInput = {
  /** The match. */
  id: Scalars['ID']['input'];
  /** Internal notes; `null` clears them. */
  notes?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a project: omitted fields stay as they are, `null` clears them. */
export type UpdatePortfolioProjectInput = {
  /** The client's name; `null` clears it. */
  clientName?: InputMaybe<Scalars['String']['input']>;
  /** The client among the organisation's companies; `null` clears it. */
  companyId?: InputMaybe<Scalars['ID']['input']>;
  /** The new description; `null` clears it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** When it ended; `null` clears it. */
  endDate?: InputMaybe<Scalars['Date']['input']>;
  /** The project. */
  id: Scalars['ID']['input'];
  /** Kept from clients, or not. */
  internal?: InputMaybe<Scalars['Boolean']['input']>;
  /** Replaces the project's skills. */
  skillIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** When it began; `null` clears it. */
  startDate?: InputMaybe<Scalars['Date']['input']>;
  /** The new title. */
  title?: InputMaybe<Scalars['String']['input']>;
  /** The link (http or https); `null` clears it. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a skill: omitted fields stay as they are, `null` clears them. */
export type UpdateSkillInput = {
  /** The new category; `null` clears it. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** The skill. */
  id: Scalars['ID']['input'];
  /** The new name, unique in the catalogue whatever the case. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a tender: omitted fields stay as they are, `null` clears them. */
export type UpdateTenderInput = {
  /** The new highest daily rate, not below the lowest; `null` clears it. */
  budgetMax?: InputMaybe<Scalars['Decimal']['input']>;
  /** The new lowest daily rate; `null` clears it. */
  budgetMin?: InputMaybe<Scalars['Decimal']['input']>;
  /** Another company of the organisation (only while the tender has no matches). */
  companyId?: InputMaybe<Scalars['ID']['input']>;
  /** The new description; `null` clears it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The new end, not before the start; `null` clears it. */
  endDate?: InputMaybe<Scalars['Date']['input']>;
  /** The tender (not CLOSED or CANCELLED). */
  id: Scalars['ID']['input'];
  /** The new location; `null` clears it. */
  location?: InputMaybe<Scalars['String']['input']>;
  /** Whether the mission can be done remotely. */
  remoteAllowed?: InputMaybe<Scalars['Boolean']['input']>;
  /** The new start; `null` clears it. */
  startDate?: InputMaybe<Scalars['Date']['input']>;
  /** The new title. */
  title?: InputMaybe<Scalars['String']['input']>;
};

/** A workflow's new parts (all replaced). */
export type UpdateWorkflowInput = {
  /**
   * An expression over the run's data (`tender.remoteAllowed and tender.location == 'Paris'`);
   * the run starts only when it holds.
   */
  condition?: InputMaybe<Scalars['String']['input']>;
  /** Off, it starts on nothing but `runWorkflow` (default on). */
  enabled?: Scalars['Boolean']['input'];
  /** The workflow's id. */
  id: Scalars['ID']['input'];
  /** What people call it (at most 200 characters). */
  name: Scalars['String']['input'];
  /** What it does, in order (1 to 20 steps). */
  steps: Array<WorkflowStepInput>;
  /** What starts it. */
  trigger: WorkflowTriggerInput;
};

/** A CV to upload for a consultant. */
export type UploadResumeInput = {
  /** The consultant (a consultant: themself). */
  consultantId: Scalars['ID']['input'];
  /**
   * The file, as a part of a GraphQL multipart request: a PDF, a DOCX or plain text, at
   * most `TALENTGRAPH_MAX_UPLOAD_BYTES` (10 MiB by default). Its type is read from its
   * content, not its name.
   */
  file: Scalars['Upload']['input'];
};

/** Filters of `users`. */
export type UserFilter = {
  /** Active users only (`true`) or deactivated ones only (`false`). */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** Users of this role. */
  role?: InputMaybe<Role>;
  /** Part of the full name, or an exact e-mail. */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** How a list of users is sorted (ties broken by creation order). */
export type UserOrder = {
  /** Ascending or descending. */
  direction?: OrderDirection;
  /** What to sort by. */
  field?: UserOrderField;
};

/** What a list of users can be sorted by. */
export type UserOrderField =
  /** Oldest first by default. */
  | 'CREATED_AT'
  /** Full name, alphabetically. */
  | 'FULL_NAME';

/** Filters of `workflows`. */
export type WorkflowFilter = {
  /** Only enabled (or only disabled) workflows. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only workflows with this kind of trigger. */
  trigger?: InputMaybe<TriggerKind>;
};

/** Filters of `workflowRuns`. */
export type WorkflowRunFilter = {
  /** Any of these statuses. */
  status?: InputMaybe<Array<RunStatus>>;
  /** Only this workflow's runs. */
  workflowId?: InputMaybe<Scalars['ID']['input']>;
};

/** One step, as given. */
export type WorkflowStepInput = {
  /** The step's configuration (see `StepKind`); templates are checked when saved. */
  config?: InputMaybe<Scalars['JSON']['input']>;
  /** What the step does. */
  kind: StepKind;
  /** Default: 3 attempts from 5 s (5 from 10 s for webhooks, 3 from 30 s for e-mail). */
  retry?: InputMaybe<RetryPolicyInput>;
};

/** A workflow's trigger, as given. */
export type WorkflowTriggerInput = {
  /** Required for SCHEDULE: a cron expression (`0 7 * * MON-FRI`). */
  cron?: InputMaybe<Scalars['String']['input']>;
  /** Required for EVENT. */
  event?: InputMaybe<EventType>;
  /** EVENT, SCHEDULE, MANUAL or WEBHOOK. */
  kind: TriggerKind;
  /** For SCHEDULE: an IANA time zone (default UTC). */
  timezone?: InputMaybe<Scalars['String']['input']>;
};

export type PublishTenderMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PublishTenderMutation = { __typename?: 'Mutation', publishTender: { __typename?: 'Tender', id: string, status: TenderStatus } };

export type GenerateMatchesMutationVariables = Exact<{
  input: GenerateMatchesInput;
}>;


export type GenerateMatchesMutation = { __typename?: 'Mutation', generateMatches: Array<{ __typename?: 'Match', id: string }> };

export type ProposeMatchMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ProposeMatchMutation = { __typename?: 'Mutation', proposeMatch: { __typename?: 'Match', id: string, status: MatchStatus } };

export type RunFiguresQueryVariables = Exact<{ [key: string]: never; }>;


export type RunFiguresQuery = { __typename?: 'Query', workflowRunCounts: Array<{ __typename?: 'RunStatusCount', status: RunStatus, count: number }> };

export type WorkflowsQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkflowsQuery = { __typename?: 'Query', workflows: { __typename?: 'WorkflowConnection', edges: Array<{ __typename?: 'WorkflowEdge', node: { __typename?: 'Workflow', id: string, name: string, enabled: boolean, trigger: { __typename?: 'WorkflowTrigger', kind: TriggerKind, event?: EventType | null, cron?: string | null } } }> } };

export type RunCardFragment = { __typename?: 'WorkflowRun', id: string, status: RunStatus, trigger: TriggerKind, error?: string | null, queuedAt: string, startedAt?: string | null, finishedAt?: string | null, steps: Array<{ __typename?: 'RunStep', index: number, kind: StepKind, status: StepStatus, attempts: number, error?: string | null }> };

export type WorkflowRunsQueryVariables = Exact<{
  workflowId: Scalars['ID']['input'];
}>;


export type WorkflowRunsQuery = { __typename?: 'Query', workflowRuns: { __typename?: 'WorkflowRunConnection', edges: Array<{ __typename?: 'WorkflowRunEdge', node: { __typename?: 'WorkflowRun', id: string, status: RunStatus, trigger: TriggerKind, error?: string | null, queuedAt: string, startedAt?: string | null, finishedAt?: string | null, steps: Array<{ __typename?: 'RunStep', index: number, kind: StepKind, status: StepStatus, attempts: number, error?: string | null }> } }> } };

export type RunsOfWorkflowSubscriptionVariables = Exact<{
  workflowId: Scalars['ID']['input'];
}>;


export type RunsOfWorkflowSubscription = { __typename?: 'Subscription', workflowRunUpdated: { __typename?: 'WorkflowRunEvent', sequence: number, run: { __typename?: 'WorkflowRun', id: string, status: RunStatus, trigger: TriggerKind, error?: string | null, queuedAt: string, startedAt?: string | null, finishedAt?: string | null, steps: Array<{ __typename?: 'RunStep', index: number, kind: StepKind, status: StepStatus, attempts: number, error?: string | null }> } } };

export type RunWorkflowMutationVariables = Exact<{
  input: RunWorkflowInput;
}>;


export type RunWorkflowMutation = { __typename?: 'Mutation', runWorkflow: { __typename?: 'WorkflowRun', id: string, status: RunStatus } };

export const RunCardFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkflowRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"queuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<RunCardFragment, unknown>;
export const PublishTenderDocument = {"__meta__":{"hash":"e4686b22d1ca0bf859ace061f528ffaade43b5c61f9ea889272d139368657929"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PublishTender"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publishTender"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<PublishTenderMutation, PublishTenderMutationVariables>;
export const GenerateMatchesDocument = {"__meta__":{"hash":"0e8b543880e299dd27be4763c277709bbe8929df795ead8be735f44ddd28b9d0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GenerateMatches"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateMatchesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generateMatches"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<GenerateMatchesMutation, GenerateMatchesMutationVariables>;
export const ProposeMatchDocument = {"__meta__":{"hash":"0736e75d7ee945d7c2eca7f21114d9d29146fdc12685a35e14d69d3d2b73e5f2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ProposeMatch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"proposeMatch"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ProposeMatchMutation, ProposeMatchMutationVariables>;
export const RunFiguresDocument = {"__meta__":{"hash":"b4159dada15fcc94d83c402cac82b912c045d418e8d445a4ad745b297fa5ea56"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RunFigures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workflowRunCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]} as unknown as DocumentNode<RunFiguresQuery, RunFiguresQueryVariables>;
export const WorkflowsDocument = {"__meta__":{"hash":"1d32f393f63bbb1450a48bfe79e80270d050f5fba84d826d9c155e0ab80c8537"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Workflows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workflows"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"cron"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<WorkflowsQuery, WorkflowsQueryVariables>;
export const WorkflowRunsDocument = {"__meta__":{"hash":"402d45447d6367095adbddfb47fc243eb0c9cb75696240c270ed89046c76ce70"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WorkflowRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"workflowId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workflowRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"workflowId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"workflowId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunCard"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkflowRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"queuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<WorkflowRunsQuery, WorkflowRunsQueryVariables>;
export const RunsOfWorkflowDocument = {"__meta__":{"hash":"1148f3f7ec8c733343c6195962ab7ef0e1874598572c8e1baf35bdafb79e1574"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RunsOfWorkflow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"workflowId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workflowRunUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"workflowId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"workflowId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunCard"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkflowRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"queuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<RunsOfWorkflowSubscription, RunsOfWorkflowSubscriptionVariables>;
export const RunWorkflowDocument = {"__meta__":{"hash":"5af7f58e4b232b6d57271d935d70b9617b1dd5456fc210bf7f63cb15951a8bd9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RunWorkflow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RunWorkflowInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runWorkflow"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<RunWorkflowMutation, RunWorkflowMutationVariables>;