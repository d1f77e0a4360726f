// LinkedIn profile URLs over real HTTP to the fake server (it resolves a
// URL's /in/ slug to an id, and finds nobody for slugs starting with
// "nobody"): client.redeem(..., { linkedinUrls }) redeems each URL alone
// before any batch and buys a person named by a URL and an id once;
// client.redeemPerson() is the single redeem.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const pubrio = require('..');
const { startFakeServer, makeIds } = require('./fake_server');

const SINGLE = '/redeem/people';
const SUBMIT = '/redeem/people/batch';
const JANE_URL = 'https://www.linkedin.com/in/jane-doe';
const NOBODY_URL = 'https://www.linkedin.com/in/nobody-here';

async function withServer(body) {
  const server = await startFakeServer(['--estimated-time', '0']);
  const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
  try {
    return await body(client, server);
  } finally {
    client.close();
    await server.stop();
  }
}

// The id the fake gives the person of `url`, asked of a server of its own
// so the run under test starts from nothing.
const resolvedId = (url) => withServer(async (client) => {
  const one = await client.redeemPerson('phone', { linkedinUrl: url });
  assert.strictEqual(one.people.length, 1);
  return one.people[0].peopleSearchId;
});

const FAST = { minDelayMs: 20, maxDelayMs: 50, timeoutMs: 30000 };

test('a URL and an id of one person are bought once; a URL naming nobody is notFound', async () => {
  const jane = await resolvedId(JANE_URL);
  const [other] = makeIds(1);
  await withServer(async (client, server) => {
    // Two spellings of one profile, and a URL naming nobody.
    const linkedinUrls = ['http://uk.linkedin.com/in/Jane-Doe/?trk=x', JANE_URL, NOBODY_URL];
    const run = client.redeem([jane, other], 'phone', { ...FAST, linkedinUrls });
    const plan = await run.stats();
    assert.deepStrictEqual([plan.linkedinUrls, plan.linkedinUrlsToRedeem, plan.duplicates], [2, 2, 1]);
    assert.strictEqual((await server.stats()).total, 0, 'a dry run sends nothing');
    const byUrl = [];
    const byId = [];
    for await (const person of run) {
      if (person.linkedinUrl !== undefined) {
        assert.ok(person.phones.length > 0);
        byUrl.push([person.linkedinUrl, person.peopleSearchId]);
      } else {
        byId.push(person.peopleSearchId);
      }
    }
    assert.deepStrictEqual(byUrl, [[JANE_URL, jane]]);
    assert.deepStrictEqual(byId.sort(), [jane, other].sort(), 'the id the URL bought is handed out too');
    assert.deepStrictEqual(run.notFound, [NOBODY_URL]);
    const stats = await run.stats();
    assert.deepStrictEqual([stats.linkedinUrlsRedeemed, stats.linkedinUrlsNotFound], [2, 1]);
    const seen = await server.stats();
    assert.strictEqual(seen.requests[SINGLE], 2, 'one single redeem a distinct URL');
    assert.strictEqual(seen.requests[SUBMIT], 1);
    assert.deepStrictEqual(JSON.parse(seen.last_submit_body).peoples, [other], 'the URL\'s person is not submitted again');
    assert.strictEqual(seen.max_submits_per_person, 1);
  });
});

test('a bad LinkedIn URL rejects before anything is sent', () =>
  withServer(async (client, server) => {
    const run = client.redeem(makeIds(1), 'phone', { linkedinUrls: [JANE_URL, 'https://linkedin.com.evil.example/in/x'] });
    await assert.rejects(async () => {
      for await (const person of run) assert.fail(`handed out ${person.peopleSearchId}`);
    }, (e) => e instanceof pubrio.InvalidArgumentError && /index 1/.test(e.message));
    assert.throws(() => client.redeem(makeIds(1), 'phone', { linkedinUrls: JANE_URL }), pubrio.InvalidArgumentError);
    assert.strictEqual((await server.stats()).total, 0);
  }));

test('redeemPerson by id, by URL, nobody, and bad input', () =>
  withServer(async (client, server) => {
    const [id] = makeIds(1);
    const one = await client.redeemPerson(['email-work'], { peopleSearchId: id });
    assert.strictEqual(one.people[0].peopleSearchId, id);
    assert.strictEqual(one.people[0].emails[0].value, `w.${id.slice(0, 8)}@work.example`);
    assert.strictEqual(one.query.isCompleted, true);
    assert.notStrictEqual(one.credits.totalChargedCredit, null);
    const nobody = await client.redeemPerson('phone', { linkedinUrl: NOBODY_URL });
    assert.deepStrictEqual(nobody.people, []);
    for (const bad of [{}, { peopleSearchId: id, linkedinUrl: JANE_URL }, { linkedinUrl: 'https://example.com/in/x' }]) {
      await assert.rejects(client.redeemPerson('phone', bad), pubrio.InvalidArgumentError, JSON.stringify(bad));
    }
    assert.strictEqual((await server.stats()).requests[SINGLE], 2);
  }));
