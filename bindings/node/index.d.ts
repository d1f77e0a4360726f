// Type declarations of the `pubrio` package (hand-written; checked by
// `npm test` with `tsc` against test/types.ts).

/** A contact type that can be redeemed; each one returned is charged. */
export type ContactType = 'email-personal' | 'email-work' | 'phone';

/** One email or phone of a person. */
export interface Contact {
  /** The email or phone number; null if absent. */
  value: string | null;
  /** The type as sent ("email-work", ...), or null if absent. */
  type: string | null;
  /** E.g. "Verified"; null when null or absent. */
  status: string | null;
}

/** A redeemed person and their contacts. */
export interface Person {
  peopleSearchId: string;
  emails: Contact[];
  phones: Contact[];
  /** In a bulk run, the LinkedIn URL (normalized) this person was asked
   * by; absent otherwise. */
  linkedinUrl?: string;
  /** In a bulk run, the index in the run's `lookups` of the lookup entry
   * this person was found by; absent otherwise. */
  lookupEntry?: number;
  /** That entry (its known fields), with `lookupEntry`. */
  lookup?: LookupEntryFields;
  /** How that entry matched, with `lookupEntry`. */
  lookupConfidence?: LookupConfidence;
}

/** A batch's state, as the submit and query answers give it. */
export interface Batch {
  redeemQueryId: string;
  isCompleted: boolean;
  /** The raw estimate, or null when absent. */
  estimatedTime: number | null;
  /** The raw unit ("second", ...), or null. */
  estimatedTimeType: string | null;
  /** The estimate in milliseconds (unknown units count as seconds), or null. */
  estimatedTimeMs: number | null;
}

/** The profile's credits in a query answer (null: not sent). */
export interface Credits {
  credit: number | null;
  topupCredit: number | null;
  totalChargedCredit: number | null;
}

/** A query answer: the batch's state, the credits, the people. */
export interface QueryResult {
  query: Batch;
  credits: Credits;
  people: Person[];
}

/** How to create a client. */
export interface ClientOptions {
  /** The key; default: the environment's PUBRIO_API_KEY. */
  apiKey?: string;
  /** Default: PUBRIO_BASE_URL, else https://api.pubrio.com. */
  baseUrl?: string;
  /** One attempt's total time (default 60000). */
  timeoutMs?: number;
  /** Time to connect (default 10000). */
  connectTimeoutMs?: number;
  /** Attempts per call, retries included (default 3). */
  maxAttempts?: number;
  /** Pace this client's requests (default: off). */
  requestsPerMinute?: number;
  userAgent?: string;
  /** A PEM bundle to trust instead of the system store. */
  caFile?: string;
  /** A directory of certificates to trust instead of the system store. */
  caPath?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Receives the library's log lines (each starts "pubrio: "; the API key
   * never appears): `console`, or any object with these methods. */
  logger?: Logger;
  /** The most detailed level sent to `logger` (default "warn"): "info" is
   * a line a request and answer, "debug" adds the bodies. */
  logLevel?: LogLevel;
}

/** A log level, most severe first. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Where log lines go (console, pino, winston...): the methods up to the
 * chosen level are called (console has them all). */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** The workspace's balance, prices and plan (POST /profile); null where
 * the answer said nothing readable. */
export interface Profile {
  profileId: number | null;
  /** The balance. */
  credit: number | null;
  topupCredit: number | null;
  planName: string | null;
  /** Credits per email contact returned. */
  emailPrice: number | null;
  /** Credits per phone contact returned. */
  phonePrice: number | null;
  /** Request quotas of the plan: 0 none. */
  maxHourlyRequests: number | null;
  maxDailyRequests: number | null;
  maxMonthlyRequests: number | null;
  apiAccess: boolean | null;
}

/** The request quotas used and allowed (POST /profile/usage): allowed 0 is
 * no quota; null where the answer said nothing readable. */
export interface Usage {
  hourlyUsed: number | null;
  hourlyAllowed: number | null;
  dailyUsed: number | null;
  dailyAllowed: number | null;
  monthlyUsed: number | null;
  monthlyAllowed: number | null;
  /** As the server sent it. */
  lastRefreshed: string | null;
  apiAccess: boolean | null;
}

/** profile() and usage(). */
export interface AccountOptions extends CallOptions {
  /** Sent as `profile_id` when given. */
  profileId?: number;
}

/** Any call that can wait on the network. */
export interface CallOptions {
  /** Aborting cancels the call (pubrio_client_cancel()): it rejects with a
   * CancelledError whose `cause` is the signal's reason. */
  signal?: AbortSignal;
}

/** How to wait for a batch (the library's defaults when left out). */
export interface WaitOptions extends CallOptions {
  /** Give up after this long in all (default 600000): WaitTimeoutError. */
  timeoutMs?: number;
  /** Shortest delay between polls (default 1000). */
  minDelayMs?: number;
  /** Longest delay between polls (default 30000). */
  maxDelayMs?: number;
  /** Delay before the first poll (default: the batch's estimate when known). */
  firstDelayMs?: number;
}

export interface SubmitOptions extends CallOptions {
  /** Sent as `profile_id` when given. */
  profileId?: number;
}

export interface SubmitAndWaitOptions extends WaitOptions {
  profileId?: number;
}

/** How a bulk run goes; the wait options apply to each batch, their
 * `timeoutMs` being the deadline of the whole run. */
export interface RedeemOptions extends WaitOptions {
  profileId?: number;
  /** People per batch, 1..100 (default 100). */
  batchSize?: number;
  /** Requests in flight at once, 1..64 (default 8). */
  parallel?: number;
  /** The run's rate budget (default 300, Pubrio's published limit). */
  requestsPerMinute?: number;
  /** Journal file: a rerun resumes and submits nobody twice. */
  journal?: string;
  /** Resend people whose earlier submit got no answer (may charge twice). */
  resubmitUncertain?: boolean;
  /** Stop submitting before the charges could pass this many credits. */
  maxCredits?: number;
  /** People named by LinkedIn profile URL: normalized and de-duplicated
   * (a bad one rejects with InvalidArgumentError before anything is sent),
   * each redeemed alone before any batch; its person comes with
   * `linkedinUrl`, an id naming the same person is bought once, and URLs
   * naming nobody end up in `run.notFound`. */
  linkedinUrls?: Iterable<string>;
  /** People named by what a CRM list holds: the entries client.lookup()
   * takes (a bad one rejects with InvalidArgumentError naming it before
   * anything is sent). They are looked up first (SPENDS CREDITS, 1 a
   * billable match; one request at a time under the run's rate, deadline
   * and `maxCredits`, each sent once; a rerun on the journal asks none
   * again), then each person found is bought once for the run's types,
   * even when two entries or an id name them. The person comes with
   * `lookupEntry`, `lookup` and `lookupConfidence`; entries naming nobody
   * or not looked up end up in `run.lookupsNotFound`, failed ones in
   * `run.lookupsFailed`. */
  lookups?: Iterable<LookupEntry>;
  /** Look up `lookups` entries holding only a name with a company or
   * domain (a similarity match can name the wrong person): off by
   * default, when such an entry is `not_looked_up`. */
  similar?: boolean;
  /** The most lookup entries a request holds, 1..10000 (default 100). */
  lookupBatchSize?: number;
  /** How long leaving the run, however it is left (the loop ends, `break`,
   * a throw, `close()`, an abort, the run garbage collected), waits for the
   * submits in flight, in whole milliseconds >= 0: past it they are cut and
   * their people named in `run.uncertain` (maybe charged, never resent); 0
   * cuts at once. Default: each request's own timeout. A negative, NaN or
   * non-integer value throws InvalidArgumentError before anything is sent. */
  closeTimeoutMs?: number;
}

/** Redeem one person: exactly one of `peopleSearchId` and `linkedinUrl`. */
export interface RedeemPersonOptions extends CallOptions {
  peopleSearchId?: string;
  linkedinUrl?: string;
  profileId?: number;
}

/** A batch paid for whose people were not all handed out. */
export interface UncollectedBatch {
  /** Collect it with client.wait(redeemQueryId); never submit it again. */
  redeemQueryId: string;
  /** The batch's number in the run (from 1), or null when not seen. */
  batch: number | null;
  peopleCount: number;
  /** The batch's people, when the run saw them; else null. */
  people: string[] | null;
}

/** Counts of a bulk run. */
export interface BulkStats {
  people: number;
  duplicates: number;
  peopleJournaled: number;
  peopleUncertain: number;
  peopleToSubmit: number;
  peopleSubmitted: number;
  peopleCollected: number;
  batches: number;
  batchesAccepted: number;
  batchesCollected: number;
  inFlight: number;
  requests: number;
  plannedRequests: number;
  minDurationMs: number;
  nextRequestInMs: number;
  creditsCharged: number;
  /** Credit left, as last answered; null when never answered. */
  credit: number | null;
  /** People the journal already bought: handed out from it, 0 credits. */
  peopleKnown: number;
  /** Batches that failed while the run went on. */
  batchesFailed: number;
  /** People whose submit got no conclusive answer (maybe charged). */
  peopleLeftUncertain: number;
  /** The most the people to submit can cost, at the prices. */
  creditsWorstCase: number;
  /** Credits earlier runs on the journal were charged. */
  creditsBefore: number;
  /** What the credit budget holds against. */
  creditsCommitted: number;
  priceEmail: number;
  pricePhone: number;
  /** false when no price was given (1 a contact is counted). */
  pricesKnown: boolean;
  /** credit + topup_credit read from the account; null when not read. */
  balance: number | null;
  /** Distinct LinkedIn URLs added (also counted in `people`). */
  linkedinUrls: number;
  /** ...of which this run redeems and has not had answered yet. */
  linkedinUrlsToRedeem: number;
  /** ...answered by this run. */
  linkedinUrlsRedeemed: number;
  /** ...naming nobody (this run or an earlier one). */
  linkedinUrlsNotFound: number;
  /** Batches accepted (paid) and not collected now: run.uncollected. */
  batchesUncollected: number;
  /** ...the people they hold. */
  peopleUncollected: number;
  /** People collected and not handed out when the run was closed: kept,
   * in run.drained. */
  peopleKept: number;
  /** People the journal holds as forgotten (`pubrio forget`): neither bought nor handed out. */
  peopleForgotten: number;
  /** Distinct lookup entries added (a repeated entry is in `duplicates`). */
  lookups: number;
  /** ...of which this run sends and has not had answered yet (1 credit each at worst). */
  lookupsToSend: number;
  /** ...resolved to a person (this run or the journal). */
  lookupsFound: number;
  /** ...resolved to nobody (this run or the journal). */
  lookupsNotFound: number;
  /** ...asked without an answer (this run or an earlier one): maybe charged, never resent. */
  lookupsUncertain: number;
  /** Credits this run's lookups were charged (also in creditsCharged). */
  lookupCredits: number;
}

/** The fields a lookup entry may hold (all strings; a key not listed here
 * is refused). */
export interface LookupEntryFields {
  /** A work or personal email. */
  email?: string;
  /** A phone number (E.164 preferred). */
  phone?: string;
  firstName?: string;
  lastName?: string;
  /** The company's web domain; a URL is reduced to its domain. */
  domain?: string;
  /** The company's name. */
  company?: string;
}

/** Who to look up: an email, a phone, or a first and last name with a
 * domain or a company (a similarity match: looked up only with
 * `similar: true`). */
export type LookupEntry =
  | (LookupEntryFields & { email: string })
  | (LookupEntryFields & { phone: string })
  | (LookupEntryFields & { firstName: string; lastName: string; domain: string })
  | (LookupEntryFields & { firstName: string; lastName: string; company: string });

/** What became of an entry: `not_looked_up` a name while `similar` is off;
 * `failed` its request failed (see `code`, `submitState`, `reason`);
 * `not_sent` the call stopped before its request left (nothing spent). */
export type LookupOutcome = 'found' | 'not_found' | 'not_looked_up' | 'failed' | 'not_sent';

/** How a match was made; `other` is a value this version does not know
 * (its text in `confidenceText`). */
export type LookupConfidence = 'exact' | 'similarity_domain' | 'similarity_company' | 'other';

/** The answer for one entry, in the entry's place. */
export interface LookupAnswer {
  /** The entry as given (its known fields). */
  entry: LookupEntryFields;
  outcome: LookupOutcome;
  /** Why it was not looked up, failed or not sent; else null. */
  reason: string | null;
  /** The person found; else null. */
  peopleSearchId: string | null;
  firstName: string | null;
  lastName: string | null;
  peopleName: string | null;
  companyName: string | null;
  domain: string | null;
  /** null when nothing matched. */
  confidence: LookupConfidence | null;
  /** The answer's confidence text, as sent. */
  confidenceText: string | null;
  /** The identifier that matched, as answered (type: "email-work",
   * "email-personal", "phone", "domain" or "company"); null when none. */
  input: { value: string; type: string | null } | null;
  /** The API saw this input twice in one request (not charged). */
  duplicate: boolean;
  /** 1 for a billable match, else 0. */
  credits: number;
  /** `failed`: its request's error code; else null. */
  code: PubrioErrorCode | `PUBRIO_STATUS_${number}` | null;
  /** `failed`: whether its request may have been charged ("uncertain":
   * never resent); `not_sent`: "not_spent"; else null. */
  submitState: SubmitState | null;
}

/** A bulk run's lookup entry that named nobody (`not_found`), was not
 * looked up (`not_looked_up`: a name while `similar` is off) or failed
 * (`failed`: its lookup failed, maybe charged and never resent, or its
 * person was not bought; or the run stopped before its request left). */
export interface RunLookupAnswer {
  /** Its index in the run's `lookups`. */
  index: number;
  /** The entry (its known fields). */
  entry: LookupEntryFields;
  outcome: 'not_found' | 'not_looked_up' | 'failed';
  /** Why it was not looked up or failed; else null. */
  reason: string | null;
  /** `failed`: the error code; else null. */
  code: PubrioErrorCode | `PUBRIO_STATUS_${number}` | null;
}

/** The answers of client.lookup(). */
export interface LookupResult {
  /** One per entry, in entry order. */
  answers: LookupAnswer[];
  /** The credits the answered requests cost, as the API reported them. */
  creditsCharged: number;
  /** The requests sent. */
  requests: number;
}

/** client.lookupOne(). */
export interface LookupOneOptions extends CallOptions {
  /** Look up a name with a company or domain (a similarity match can name
   * the wrong person): off by default. */
  similar?: boolean;
  /** Sent as `profile_id` when given. */
  profileId?: number;
}

/** client.lookup() and client.planLookup(). */
export interface LookupOptions extends LookupOneOptions {
  /** The most entries a request holds, 1..10000 (default 100); a 400
   * naming the size halves it. */
  batchSize?: number;
}

/** A lookup entry of a bulk run resolved (the lookup paid, 1 credit) to a
 * person the run did not hand out (BulkRun.resolved). */
export interface RunResolved {
  /** The entry's index in the run's `lookups`. */
  index: number;
  /** The entry (its known fields). */
  entry: LookupEntryFields;
  /** The person it resolved to: buy them by this id. */
  peopleSearchId: string;
  /** How the match was made ("other": a value this version does not know). */
  confidence: LookupConfidence;
}

/** What a lookup would do, nothing sent. */
export interface LookupPlan {
  /** Entries it would look up. */
  lookups: number;
  /** The most it can cost: 1 credit an entry looked up. */
  worstCaseCredits: number;
  /** Entries it would not look up (a name while `similar` is off). */
  refused: number;
  /** Requests it would send (before a 400 naming the size). */
  requests: number;
}

/** What became of a submit, as far as credits go (null: no submit). */
export type SubmitState = 'not_spent' | 'uncertain' | 'accepted';

/** The pubrio_status names, as `PubrioError.code`. */
export type PubrioErrorCode =
  | 'PUBRIO_E_INVALID_ARGUMENT'
  | 'PUBRIO_E_OUT_OF_MEMORY'
  | 'PUBRIO_E_NO_API_KEY'
  | 'PUBRIO_E_TRANSPORT'
  | 'PUBRIO_E_TIMEOUT'
  | 'PUBRIO_E_TLS'
  | 'PUBRIO_E_BAD_REQUEST'
  | 'PUBRIO_E_UNAUTHORIZED'
  | 'PUBRIO_E_PAYMENT_REQUIRED'
  | 'PUBRIO_E_RATE_LIMITED'
  | 'PUBRIO_E_SERVER'
  | 'PUBRIO_E_HTTP'
  | 'PUBRIO_E_PROTOCOL'
  | 'PUBRIO_E_RESPONSE_TOO_LARGE'
  | 'PUBRIO_E_WAIT_TIMEOUT'
  | 'PUBRIO_E_CANCELLED'
  | 'PUBRIO_E_CREDIT_BUDGET'
  | 'PUBRIO_E_JOURNAL';

/** A failed call; one subclass per status. */
export class PubrioError extends Error {
  /** The status's C name, e.g. "PUBRIO_E_BAD_REQUEST" (a newer library's
   * unknown status: "PUBRIO_STATUS_<n>"). */
  readonly code: PubrioErrorCode | `PUBRIO_STATUS_${number}`;
  /** The status's name from pubrio_status_str(), e.g. "bad request". */
  readonly status: string;
  /** The pubrio_status value. */
  readonly statusValue: number;
  /** The last HTTP status, or null when none. */
  readonly httpStatus: number | null;
  /** A 400 body's `code`, or null. */
  readonly apiCode: number | null;
  /** The server's `message` or `error` text, or null. */
  readonly apiMessage: string | null;
  /** A 400 body's `details` (parsed JSON), or null. */
  readonly details: unknown;
  /** The x-request-id / request-id header, or null. */
  readonly requestId: string | null;
  /** The Retry-After the server asked for, or null. */
  readonly retryAfterMs: number | null;
  /** HTTP attempts made (0: nothing was sent). */
  readonly attempts: number;
  /** For a submit: whether credits may have been spent. */
  readonly submitState: SubmitState | null;
  /** The paid batch's id when a submit was accepted and a later step failed. */
  readonly redeemQueryId: string | null;
  /** Bulk runs: the batches paid for and not collected. */
  uncollected: UncollectedBatch[];
  /** Bulk runs: the people the close kept (collected, not handed out). */
  drained?: Person[];
  /** Bulk runs: the people submitted without a conclusive answer. */
  uncertain?: string[];
  /** A wait cut short (timeout, cancel): the last state seen, or null. */
  lastResult: QueryResult | null;
  /** Lookups: what became of every entry (the answers already received
   * are paid for); null when the entries were refused before sending. */
  lookup?: LookupResult | null;
  /** Lookups: the entries (indexes) whose request may have been charged
   * without an answer; never resent unless you send them again. */
  uncertainEntries?: number[];
}
export class InvalidArgumentError extends PubrioError {}
export class OutOfMemoryError extends PubrioError {}
export class NoApiKeyError extends PubrioError {}
export class TransportError extends PubrioError {}
export class TimeoutError extends PubrioError {}
export class TlsError extends PubrioError {}
export class BadRequestError extends PubrioError {}
export class UnauthorizedError extends PubrioError {}
export class PaymentRequiredError extends PubrioError {}
export class RateLimitedError extends PubrioError {}
export class ServerError extends PubrioError {}
export class HttpError extends PubrioError {}
export class ProtocolError extends PubrioError {}
export class ResponseTooLargeError extends PubrioError {}
export class WaitTimeoutError extends PubrioError {}
export class CancelledError extends PubrioError {}
export class CreditBudgetError extends PubrioError {}
export class JournalError extends PubrioError {}

/** A bulk run: iterate it once with `for await`. However it is left (the
 * loop ends, break, a throw in the loop body, close(), the client closed
 * or cancelled, Ctrl-C through client.cancelOnSignal(), the run dropped),
 * it is closed once: nothing new starts, submits in flight finish, the
 * people collected and not handed out are kept in `drained`, and what
 * stays paid and undelivered is named in `uncollected` and `uncertain`
 * and in one process warning (type "PubrioLeftoverWarning"). */
export class BulkRun implements AsyncIterable<Person> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<Person>;
  /** The batches paid for and not collected; complete once the run is
   * left (before: the batches accepted whose people were not handed out). */
  readonly uncollected: UncollectedBatch[];
  /** The people the close kept (collected, not handed out by the loop). */
  readonly drained: Person[];
  /** The people (ids, or LinkedIn URLs) submitted without a conclusive
   * answer: maybe charged, never resent. Complete once the run is left. */
  readonly uncertain: string[];
  /** The sentence naming what the run left paid and undelivered (null:
   * nothing), once it is left. */
  readonly leftover: string | null;
  /** The LinkedIn URLs (normalized) that name nobody, as the run finds them. */
  readonly notFound: string[];
  /** The lookup entries given (their known fields), in order: a person's
   * `lookupEntry` indexes it. */
  readonly lookups: LookupEntryFields[];
  /** The lookup entries that named nobody or were not looked up, as the
   * run finds them. */
  readonly lookupsNotFound: RunLookupAnswer[];
  /** The lookup entries whose lookup or purchase failed. */
  readonly lookupsFailed: RunLookupAnswer[];
  /** The lookup entries resolved (paid: 1 credit each) to people the run
   * did not hand out, in entry order, once the run is left (empty
   * before): buy them by `peopleSearchId`, never look them up again. */
  readonly resolved: RunResolved[];
  /** The run's counts; before the loop, a dry run (nothing sent). */
  stats(): Promise<BulkStats>;
  /** Leave the run (a loop over it ends at its next step; the submits in
   * flight finish, or are cut past `closeTimeoutMs`): resolves to the
   * people kept (`drained`). Calling it again resolves to the same. */
  close(): Promise<Person[]>;
}

/** A connection to the API. Calls on one client run one at a time, each on
 * a worker thread; use several clients for parallel calls. */
export class Client {
  constructor(options?: ClientOptions);
  /** The base URL in use. */
  readonly baseUrl: string;
  /** Send a header with every request (null removes it). */
  setHeader(name: string, value: string | null): void;
  /** Submit one batch (spends credits, sent once). */
  submit(people: Iterable<string>, contactTypes: ContactType | ContactType[], options?: SubmitOptions): Promise<Batch>;
  /** Ask once for a batch's state (free, read-only). */
  query(redeemQueryId: string, options?: CallOptions): Promise<QueryResult>;
  /** Poll a batch until it is complete. */
  wait(redeemQueryId: string, options?: WaitOptions): Promise<QueryResult>;
  /** Submit a batch and wait for its contacts (spends credits once). On a
   * failed wait the error's submitState is "accepted" and redeemQueryId
   * names the paid batch. */
  submitAndWait(people: Iterable<string>, contactTypes: ContactType | ContactType[], options?: SubmitAndWaitOptions): Promise<QueryResult>;
  /** Redeem one person now (POST /redeem/people; spends credits, sent
   * once), by id or LinkedIn URL; no people when the URL names nobody. */
  redeemPerson(contactTypes: ContactType | ContactType[], options: RedeemPersonOptions): Promise<QueryResult>;
  /** The workspace's balance, prices and plan (free, read-only). */
  profile(options?: AccountOptions): Promise<Profile>;
  /** The request quotas used and allowed (free, read-only). */
  usage(options?: AccountOptions): Promise<Usage>;
  /** Cancel what the client is doing and every call queued on it (each
   * rejects with CancelledError; a bulk run stops, drains and names what
   * it paid). Calls made once they have returned run normally. */
  cancel(): void;
  /** Turn Ctrl-C (or the given signals) into cancel(): the first stops
   * what runs, a bulk run drains and names what it paid; a second cuts
   * what is still in flight; a third ends the process. Returns the
   * function that removes the handler (close() does too). */
  cancelOnSignal(signals?: NodeJS.Signals | NodeJS.Signals[]): () => void;
  /** Resolve entries to people (POST /redeem/people/contact/lookup/batch;
   * SPENDS CREDITS, 1 a billable match; each request sent once). Bad
   * entries reject with InvalidArgumentError naming the entry before
   * anything is sent; a later failure rejects with the error's `lookup`
   * and `uncertainEntries` set. */
  lookup(entries: Iterable<LookupEntry>, options?: LookupOptions): Promise<LookupResult>;
  /** One entry (POST /redeem/people/contact/lookup; spends credits, sent
   * once): its answer. */
  lookupOne(entry: LookupEntry, options?: LookupOneOptions): Promise<LookupAnswer>;
  /** What lookup() would do, nothing sent; bad entries throw. */
  planLookup(entries: Iterable<LookupEntry>, options?: Omit<LookupOptions, 'signal'>): LookupPlan;
  /** Any number of people through the bulk engine, as an async iterable. */
  redeem(people: Iterable<string>, contactTypes: ContactType | ContactType[], options?: RedeemOptions): BulkRun;
  /** Free the client (a call in flight is cancelled first). */
  close(): void;
}

/** The version of the libpubrio actually loaded, e.g. "0.2.0". */
export function libraryVersion(): string;
