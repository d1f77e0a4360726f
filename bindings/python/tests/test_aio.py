"""pubrio.AsyncClient: the loop never waits on the network, a cancel ends a
call at once, and an async bulk run yields everyone once."""
import asyncio
import time
import unittest

from _support import IDS, QUERY, SUBMIT, FakeServer, people, pubrio


class AsyncClientTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.server = FakeServer("--estimated-time", "0")
        self.addCleanup(self.server.stop)

    def client(self) -> pubrio.AsyncClient:
        return pubrio.AsyncClient("test-key", base_url=self.server.url)

    async def test_submit_and_wait(self) -> None:
        async with self.client() as client:
            batch = await client.submit(IDS, ["email-work"])
            self.assertIsInstance(batch, pubrio.Batch)
            done = await client.wait(batch.redeem_query_id, min_delay=0.01)
            self.assertEqual({p.people_search_id for p in done.people},
                             set(IDS))
            state = await client.query(batch.redeem_query_id)
            self.assertTrue(state.query.is_completed)
        with self.assertRaises(pubrio.ClientClosed):
            await client.submit(IDS, ["phone"])

    async def test_redeem_and_wait_polls_once_at_the_estimate(self) -> None:
        server = FakeServer("--estimated-time", "1", "--complete-after-ms",
                            "1000")
        self.addCleanup(server.stop)
        async with pubrio.AsyncClient("test-key",
                                      base_url=server.url) as client:
            done = await client.redeem_and_wait(IDS[:1], ["phone"])
        self.assertEqual(done.people[0].people_search_id, IDS[0])
        self.assertEqual((server.requests(SUBMIT), server.requests(QUERY)),
                         (1, 1))

    async def test_profile_usage_and_plan_are_typed(self) -> None:
        async with self.client() as client:
            profile = await client.profile()
            usage = await client.usage()
            plan = await client.plan(people(250), ["phone"])
        self.assertIsInstance(profile, pubrio.Profile)
        self.assertEqual((profile.email_price, profile.phone_price), (1, 1))
        self.assertIsInstance(usage, pubrio.Usage)
        self.assertEqual(usage.hourly_allowed, 0)
        self.assertIsInstance(plan, pubrio.Plan)
        self.assertEqual((plan.people, plan.batches), (250, 3))
        self.assertEqual(self.server.requests(SUBMIT), 0)

    async def test_the_loop_keeps_running_during_a_slow_call(self) -> None:
        self.server.script(SUBMIT, 200, "{}", delay_ms=1500)
        ticks = []

        async def heartbeat() -> None:
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.02)

        beat = asyncio.create_task(heartbeat())
        async with self.client() as client:
            start = time.monotonic()
            with self.assertRaises(pubrio.ProtocolError):  # "{}" is no answer
                await client.submit(IDS, ["phone"])
            took = time.monotonic() - start
        beat.cancel()
        self.assertGreater(took, 1.4)
        during = [t for t in ticks if start <= t <= start + took]
        gaps = [b - a for a, b in zip(during, during[1:])]
        self.assertGreater(len(during), 30)  # about 70 at 20 ms
        self.assertLess(max(gaps), 0.25)

    async def test_cancelling_a_wait_ends_it_within_a_second(self) -> None:
        async with self.client() as client:
            batch = await client.submit(IDS, ["phone"])
            self.server.script(QUERY, 200, '{"data":{"query":{"redeem_query_'
                               'id":"%s","is_completed":false}}}'
                               % batch.redeem_query_id, times=100000)
            task = asyncio.create_task(client.wait(
                batch.redeem_query_id, timeout=600, min_delay=0.05,
                max_delay=5))
            await asyncio.sleep(0.5)
            start = time.monotonic()
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task
            self.assertLess(time.monotonic() - start, 1.0)
            # The client works again after the cancel.
            again = await client.submit(IDS, ["phone"])
            self.assertTrue(again.redeem_query_id)

    async def test_async_redeem_yields_each_person_once(self) -> None:
        ids = people(250)
        async with self.client() as client:
            got = [p.people_search_id async for p in client.redeem(
                ids, ["phone"], min_delay=0.02)]
        self.assertEqual(len(got), 250)
        self.assertEqual(sorted(got), ids)
        self.assertEqual(self.server.stats()["max_submits_per_person"], 1)

    async def test_cancelling_a_redeem_names_its_batches(self) -> None:
        slow = FakeServer("--estimated-time", "0",
                          "--complete-after-polls", "3")
        self.addCleanup(slow.stop)
        async with pubrio.AsyncClient("test-key", base_url=slow.url) as client:
            run = client.redeem(people(40), ["phone"], batch_size=10,
                                parallel=4)
            first = asyncio.Event()

            async def consume() -> None:
                async for _person in run:
                    first.set()

            task = asyncio.create_task(consume())
            await asyncio.wait_for(first.wait(), 10)
            start = time.monotonic()
            with self.assertLogs("pubrio", "WARNING"):
                task.cancel()
                with self.assertRaises(asyncio.CancelledError) as ctx:
                    await task
            self.assertLess(time.monotonic() - start, 1.0)
            self.assertEqual(ctx.exception.uncollected, run.uncollected)
            self.assertGreater(len(run.uncollected), 0)
            for batch in run.uncollected:  # paid: the server has them
                done = await client.wait(batch.redeem_query_id,
                                         min_delay=0.01)
                self.assertEqual(len(done.people), batch.people_count)

    async def test_a_break_outside_with_frees_the_client(self) -> None:
        slow = FakeServer("--estimated-time", "0",
                          "--complete-after-polls", "3")
        self.addCleanup(slow.stop)
        async with pubrio.AsyncClient("test-key", base_url=slow.url) as client:
            run = client.redeem(people(200), ["phone"], batch_size=10,
                                parallel=4)
            with self.assertLogs("pubrio", "WARNING"):
                async for _person in run:
                    break
                # The next call comes after the run's end, not ClientBusy.
                await client.submit(people(1, "3000"), ["phone"])
            self.assertGreater(len(run.uncollected), 0)
            self.assertEqual([p async for p in run], [])  # ended

    async def test_bad_input_raises_typed_errors(self) -> None:
        async with self.client() as client:
            with self.assertRaises(pubrio.InvalidArgument):
                await client.submit(IDS, ["fax"])
            with self.assertRaises(pubrio.InvalidType):
                await client.submit(IDS[0], ["phone"])
            with self.assertRaises(pubrio.InvalidArgument):
                async for _p in client.redeem(["nope"], ["phone"]):
                    pass
        self.assertEqual(self.server.requests(), 0)


if __name__ == "__main__":
    unittest.main()
