// Compiled by `tsc` (npm test), never run: the declarations in index.d.ts
// must describe how the package is used.
import * as pubrio from '..';
import {
  Client, PubrioError, BadRequestError, type Person, type QueryResult, type Profile, type Usage,
  type LookupEntry, type LookupAnswer, type LookupResult, type LookupPlan, type LookupOutcome, type LookupConfidence,
  type RunLookupAnswer, type RunResolved,
} from '..';

async function typed(): Promise<void> {
  const client = new Client({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1', timeoutMs: 1000, headers: { 'x-a': 'b' } });
  const controller = new AbortController();
  const batch = await client.submit(['540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11'], ['phone'], { profileId: 1 });
  const id: string = batch.redeemQueryId;
  const ms: number | null = batch.estimatedTimeMs;
  const result: QueryResult = await client.wait(id, { timeoutMs: 5000, signal: controller.signal });
  const again = await client.submitAndWait(['540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11'], 'email-work');
  const person: Person = again.people[0];
  const email: string | null = person.emails[0].value;
  const run = client.redeem(['540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11'], ['email-work', 'phone'], { journal: 'run.journal', maxCredits: 100 });
  const plan = await run.stats();
  const batches: number = plan.batches;
  try {
    for await (const p of run) console.log(p.peopleSearchId, p.phones.map((c) => c.value));
  } catch (e) {
    if (e instanceof PubrioError) {
      const code: string = e.code;
      const left: string[] = e.uncollected.map((b) => b.redeemQueryId);
      console.log(code, left, e.httpStatus, e.apiMessage, e.requestId, e.submitState, e.redeemQueryId);
    }
    if (e instanceof BadRequestError) console.log(e.details);
  }
  console.log(run.uncollected[0]?.people, result.credits.credit, ms, email, batches, pubrio.libraryVersion());
  const byUrl = client.redeem([], 'phone', { linkedinUrls: ['https://www.linkedin.com/in/jane-doe'] });
  for await (const p of byUrl) {
    const url: string | undefined = p.linkedinUrl;
    console.log(url);
  }
  const missing: string[] = byUrl.notFound;
  const urls: number = (await byUrl.stats()).linkedinUrlsNotFound;
  const one = await client.redeemPerson('phone', { linkedinUrl: 'https://www.linkedin.com/in/jane-doe' });
  console.log(missing, urls, one.people.length);
  const logged = new Client({ logger: console, logLevel: 'info' });
  const profile: Profile = await logged.profile({ profileId: 1 });
  const price: number | null = profile.emailPrice;
  const usage: Usage = await logged.usage();
  const left: number | null = usage.hourlyAllowed;
  const stopOnCtrlC: () => void = logged.cancelOnSignal();
  stopOnCtrlC();
  logged.cancel();
  console.log(price, left);
  // @ts-expect-error: an unknown log level is a compile error
  new Client({ logger: console, logLevel: 'loud' });
  // @ts-expect-error: an unknown contact type is a compile error
  await client.submit(['x'], ['fax']);
  const entries: LookupEntry[] = [
    { email: 'king.lai@pubrio.com' },
    { phone: '+15550100001' },
    { firstName: 'Ann', lastName: 'Lee', company: 'Acme Inc' },
    { firstName: 'John', lastName: 'Smith', domain: 'example.com' },
    { email: 'bob@acme.io', company: 'Acme Inc' },
  ];
  const lookupPlan: LookupPlan = client.planLookup(entries, { similar: true, batchSize: 50 });
  const worst: number = lookupPlan.worstCaseCredits;
  const looked: LookupResult = await client.lookup(entries, { similar: true, profileId: 1, batchSize: 50, signal: controller.signal });
  for (const a of looked.answers) {
    const outcome: LookupOutcome = a.outcome;
    const confidence: LookupConfidence | null = a.confidence;
    const found: string | null = a.peopleSearchId;
    const matched: string | undefined = a.input?.value;
    const email: string | undefined = a.entry.email;
    console.log(outcome, confidence, found, matched, email, a.duplicate, a.credits, a.submitState);
    if (a.outcome === 'found' && a.confidence === 'similarity_company') console.log(a.companyName);
  }
  const crm = client.redeem([], 'phone', { journal: 'crm.journal', lookups: entries, similar: true, lookupBatchSize: 50 });
  for await (const p of crm) {
    const index: number | undefined = p.lookupEntry;
    const how: LookupConfidence | undefined = p.lookupConfidence;
    console.log(index, how, p.lookup?.email, index === undefined ? null : crm.lookups[index].phone);
  }
  const missed: RunLookupAnswer[] = [...crm.lookupsNotFound, ...crm.lookupsFailed];
  console.log(missed.map((m) => [m.index, m.entry.email, m.outcome, m.reason, m.code]));
  const resolved: RunResolved[] = crm.resolved;
  console.log(resolved.map((r) => [r.index, r.entry.email, r.peopleSearchId, r.confidence]));
  // @ts-expect-error: what a close resolved is read, never set
  crm.resolved = [];
  // @ts-expect-error: a run's lookup entries are entries, not strings
  client.redeem([], 'phone', { lookups: ['king.lai@pubrio.com'] });
  const cut = client.redeem(['540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11'], 'phone', { closeTimeoutMs: 0, signal: controller.signal });
  const maybeCharged: string[] = cut.uncertain;
  console.log(maybeCharged, await cut.close());
  // @ts-expect-error: the close timeout is a number of milliseconds
  client.redeem([], 'phone', { closeTimeoutMs: '5s' });
  const single: LookupAnswer = await client.lookupOne({ phone: '+15550100001' }, { similar: false });
  console.log(worst, looked.creditsCharged, looked.requests, single.peopleName);
  try {
    await client.lookup(entries);
  } catch (e) {
    if (e instanceof PubrioError) {
      const kept: LookupAnswer[] | undefined = e.lookup?.answers;
      const uncertain: number[] | undefined = e.uncertainEntries;
      console.log(kept, uncertain);
    }
  }
  // @ts-expect-error: half a name is no entry
  await client.lookup([{ firstName: 'Ann' }]);
  // @ts-expect-error: a name needs a domain or a company
  await client.lookupOne({ firstName: 'Ann', lastName: 'Lee' });
  // @ts-expect-error: an unknown outcome is a compile error
  const wrong: LookupOutcome = 'maybe';
  // @ts-expect-error: planLookup sends nothing and takes no signal
  client.planLookup(entries, { signal: controller.signal });
  console.log(wrong);
  client.close();
}
void typed;
