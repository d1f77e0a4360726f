// The contact lookup over real HTTP to the fake server's directory
// (tests/fake_server/fake_lookup.c: exact by email or phone, by name with
// a domain or company when similarity is on, matches answered in reverse
// order, duplicates free, misses left out, any email at people.example a
// person of its own unless it starts with "miss"): client.lookup(),
// client.lookupOne() and client.planLookup().
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const pubrio = require('..');
const { startFakeServer } = require('./fake_server');

const BATCH = '/redeem/people/contact/lookup/batch';
const SINGLE = '/redeem/people/contact/lookup';
// The fake's directory.
const KING = 'e37ccf38-ea8f-422e-9874-cb23b15e8fe4';
const JOHN = '1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b';
const JANE = '2d5e1b0e-0b9f-4bc1-8c18-3de1a4b4b7c7';
const ANN = '3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8';
const BOB = '4f703d20-2db1-4de3-8e3a-5f03c6d6d9e9';
const CHRIS = '5a814e31-3ec2-4ef4-9f4b-6a14d7e7eafa';

async function withServer(body) {
  const server = await startFakeServer();
  const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
  try {
    return await body(client, server);
  } finally {
    client.close();
    await server.stop();
  }
}

const sent = async (server, path) => (await server.stats()).requests[path] ?? 0;
const credit = async (server) => (await server.stats()).credit;
const ids = (result) => result.answers.map((a) => a.peopleSearchId);

test('found, missed, and the shuffled answers each on their own entry', () =>
  withServer(async (client, server) => {
    const before = await credit(server);
    const entries = [
      { email: '  King.Lai@PUBRIO.com ' },
      { phone: '+1 (555) 010-0002' },
      { email: 'miss.me@people.example' },
      { email: 'chris.wu@globex.com' },
      { phone: '+44 20 7946 0001' },
    ];
    const result = await client.lookup(entries);
    // The fake answers in reverse order: mapped by input, not position.
    assert.deepStrictEqual(ids(result), [KING, JOHN, null, CHRIS, ANN]);
    assert.deepStrictEqual(result.answers.map((a) => a.outcome), ['found', 'found', 'not_found', 'found', 'found']);
    const [king, john, miss] = result.answers;
    assert.deepStrictEqual(king.entry, entries[0]);
    assert.strictEqual(king.confidence, 'exact');
    assert.deepStrictEqual(
      [king.firstName, king.lastName, king.peopleName, king.companyName, king.domain],
      ['King', 'Lai', 'King Lai', 'Pubrio', 'pubrio.com'],
    );
    assert.deepStrictEqual(king.input, { value: 'king.lai@pubrio.com', type: 'email-work' });
    assert.deepStrictEqual(john.input, { value: '+15550100002', type: 'phone' });
    assert.deepStrictEqual([king.credits, king.duplicate, king.code, king.submitState], [1, false, null, null]);
    assert.deepStrictEqual(
      [miss.peopleSearchId, miss.confidence, miss.input, miss.credits, miss.reason],
      [null, null, null, 0, null],
    );
    assert.strictEqual(result.creditsCharged, 4);
    assert.strictEqual(result.requests, 1);
    assert.strictEqual(before - (await credit(server)), 4, 'the miss is free');
    assert.strictEqual(await sent(server, BATCH), 1);
  }));

test('two identifiers of one person in one request: the second is a free duplicate', () =>
  withServer(async (client, server) => {
    const before = await credit(server);
    const result = await client.lookup([{ email: 'king.lai@pubrio.com' }, { phone: '+15550100001' }]);
    assert.deepStrictEqual(ids(result), [KING, KING]);
    assert.deepStrictEqual(result.answers.map((a) => [a.duplicate, a.credits]), [[false, 1], [true, 0]]);
    assert.strictEqual(result.creditsCharged, 1);
    assert.strictEqual(before - (await credit(server)), 1);
  }));

test('lookupOne: a match, and a miss that costs nothing, through the single endpoint', () =>
  withServer(async (client, server) => {
    const chris = await client.lookupOne({ phone: '+61 2 9000 0001' });
    assert.deepStrictEqual([chris.outcome, chris.peopleSearchId, chris.confidence], ['found', CHRIS, 'exact']);
    const before = await credit(server);
    const miss = await client.lookupOne({ email: 'miss.me@people.example' });
    assert.deepStrictEqual([miss.outcome, miss.peopleSearchId, miss.credits], ['not_found', null, 0]);
    assert.strictEqual(await credit(server), before);
    assert.strictEqual(await sent(server, SINGLE), 2);
    assert.strictEqual(await sent(server, BATCH), 0);
  }));

test('similarity is opt-in: a name with a company or domain is looked up only with similar', () =>
  withServer(async (client, server) => {
    const entries = [
      { firstName: 'John', lastName: 'Smith', domain: 'https://www.Example.com/team' },
      { email: 'bob@acme.io', company: 'Acme Inc' },
      { firstName: 'Jane', lastName: 'Doe', domain: 'example.com' },
      { firstName: 'Ann', lastName: 'Lee', company: 'ACME   inc' },
    ];
    assert.deepStrictEqual(client.planLookup(entries), { lookups: 1, worstCaseCredits: 1, refused: 3, requests: 1 });
    const before = await credit(server);
    const off = await client.lookup(entries);
    assert.deepStrictEqual(off.answers.map((a) => a.outcome), ['not_looked_up', 'found', 'not_looked_up', 'not_looked_up']);
    assert.match(off.answers[0].reason, /similarity/);
    assert.deepStrictEqual(ids(off), [null, BOB, null, null]);
    assert.strictEqual(before - (await credit(server)), 1, 'only the email was looked up');
    // On: every name is looked up; entries sharing a domain or company
    // (John and Jane, Bob and Ann) go to different requests.
    assert.deepStrictEqual(client.planLookup(entries, { similar: true }), { lookups: 4, worstCaseCredits: 4, refused: 0, requests: 2 });
    const on = await client.lookup(entries, { similar: true });
    assert.deepStrictEqual(ids(on), [JOHN, BOB, JANE, ANN]);
    assert.deepStrictEqual(on.answers.map((a) => a.confidence), ['similarity_domain', 'exact', 'similarity_domain', 'similarity_company']);
    assert.deepStrictEqual(on.answers[3].input, { value: 'Acme Inc', type: 'company' });
    assert.strictEqual(on.requests, 2);
    assert.strictEqual(await sent(server, BATCH), 3);
    const single = await client.lookupOne(entries[3], { similar: true });
    assert.deepStrictEqual([single.peopleSearchId, single.confidence], [ANN, 'similarity_company']);
  }));

test('an answer lost after the server processed it: uncertain, never resent; the answers received are kept', () =>
  withServer(async (client, server) => {
    // The first request is answered (a real answer naming King, which also
    // leaves the connection open for the next); the second is processed,
    // charged, and its connection closed unanswered.
    const answered = {
      data: {
        profile: { total_credit_cost: 1 },
        peoples: [{
          people_search_id: KING, first_name: 'King', last_name: 'Lai',
          match: { confidence: 'exact', input: { value: 'king.lai@pubrio.com', type: 'email-work' }, is_duplicate_input: false },
        }],
      },
    };
    await server.script({ path: BATCH, status: 200, body: JSON.stringify(answered) });
    await server.script({ path: BATCH, fault: 3 });
    const before = await credit(server);
    const entries = [{ email: 'king.lai@pubrio.com' }, { email: 'ann@acme.io' }, { email: 'bob@acme.io' }];
    const error = await client.lookup(entries, { batchSize: 1 }).then(
      () => assert.fail('the lookup succeeded'),
      (e) => e,
    );
    assert.ok(error instanceof pubrio.TransportError, String(error));
    assert.strictEqual(error.submitState, 'uncertain');
    assert.strictEqual(error.attempts, 1, 'sent once');
    assert.deepStrictEqual(error.uncertainEntries, [1]);
    const { answers } = error.lookup;
    assert.deepStrictEqual(answers.map((a) => a.outcome), ['found', 'failed', 'not_sent']);
    assert.strictEqual(answers[0].peopleSearchId, KING, 'the answer paid for is kept');
    assert.deepStrictEqual([answers[1].code, answers[1].submitState], ['PUBRIO_E_TRANSPORT', 'uncertain']);
    assert.ok(answers[1].reason);
    assert.strictEqual(answers[2].submitState, 'not_spent');
    assert.deepStrictEqual(answers.map((a) => a.entry), entries);
    assert.strictEqual(error.lookup.creditsCharged, 1);
    assert.strictEqual(error.lookup.requests, 2);
    assert.strictEqual(await sent(server, BATCH), 2, 'the lost one was not resent, the rest not sent');
    assert.strictEqual(before - (await credit(server)), 1, 'the fake charged the lost one');
  }));

test('a bad entry is refused naming it, and nothing is sent', () =>
  withServer(async (client, server) => {
    const good = { email: 'ann@acme.io' };
    const cases = [
      [[good, { email: 'no-at-sign' }], /lookup entry 1: email "no-at-sign" is not an email/],
      [[good, good, { phone: 'call me' }], /lookup entry 2: phone "call me" is not a phone/],
      [[{ mail: 'ann@acme.io' }], /lookup entry 0: unknown field "mail"/],
      [[good, 'ann@acme.io'], /lookup entry 1 is string, not an object/],
      [[good, null], /lookup entry 1 is null/],
      [[{ phone: 15550100002 }], /lookup entry 0: phone is number, not a string/],
      [[{ email: 'ann@acme.io\0x' }], /lookup entry 0: email holds a NUL/],
      [[good, {}], /lookup entry 1 is empty/],
      [[good, { firstName: 'Ann', company: 'Acme Inc' }], /lookup entry 1 .*half a name/],
      [[{ firstName: 'Ann', lastName: 'Lee' }], /lookup entry 0 has a name but no email, phone, domain or company/],
      [[], /no entries/],
      ['ann@acme.io', /entries must be an array of lookup entries, not one string/],
    ];
    for (const [entries, message] of cases) {
      await assert.rejects(client.lookup(entries), (e) => {
        assert.ok(e instanceof pubrio.InvalidArgumentError, String(e));
        assert.match(e.message, message);
        assert.strictEqual(e.submitState, 'not_spent');
        return true;
      });
      if (Array.isArray(entries) && entries.length === 0) continue; // planned: nothing to refuse
      assert.throws(() => client.planLookup(entries), message);
    }
    for (const [options, message] of [
      [{ similar: 'yes' }, /similar must be true or false/],
      [{ batchSize: 0 }, /batchSize must be an integer from 1 to 10000/],
      [{ batchSize: 20000 }, /batch size 20000 is out of range/],
      [{ profileId: -2 }, /profileId -2 is negative/],
      [{ profileId: 1.5 }, /profileId must be an integer/],
    ]) {
      await assert.rejects(client.lookup([good], options), message);
    }
    await assert.rejects(client.lookupOne({ email: 'nope' }), /lookup entry 0: email "nope"/);
    await assert.rejects(client.lookupOne({ firstName: 'Ann' }), pubrio.InvalidArgumentError);
    assert.strictEqual((await server.stats()).total, 0, 'nothing was sent');
  }));

test('an aborted signal cancels the lookup before anything is sent', () =>
  withServer(async (client, server) => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(client.lookup([{ email: 'ann@acme.io' }], { signal: controller.signal }), pubrio.CancelledError);
    assert.strictEqual((await server.stats()).total, 0);
    // The client goes on.
    const ann = await client.lookupOne({ email: 'ann@acme.io' });
    assert.strictEqual(ann.peopleSearchId, ANN);
  }));
