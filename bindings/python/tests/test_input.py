"""Bad input is a PubrioError subclass, raised before anything is sent:
InvalidArgument (a ValueError) for bad values, InvalidType (also a
TypeError) for wrong types."""
import math
import unittest

from _support import IDS, FakeServer, pubrio


class BadInputTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer("--estimated-time", "0")
        self.client = pubrio.Client("test-key", base_url=self.server.url)

    def tearDown(self) -> None:
        self.client.close()
        self.server.stop()

    def assert_refused(self, cls: type, call, *args, **kwargs) -> None:
        with self.assertRaises(cls) as ctx:
            call(*args, **kwargs)
        self.assertIsInstance(ctx.exception, pubrio.PubrioError)
        self.assertIsInstance(ctx.exception, pubrio.InvalidArgument)
        self.assertTrue(str(ctx.exception))

    def test_bad_values_are_invalid_argument_and_value_error(self) -> None:
        c = self.client
        for call, args, kwargs in [
                (c.submit, (IDS, ["fax"]), {}),           # contact type
                (c.submit, (IDS, []), {}),                # no contact type
                (c.submit, (["not-a-uuid"], ["phone"]), {}),
                # a NUL would cut the id short in C: refused, not truncated
                (c.submit, ([IDS[0] + "\0junk"], ["phone"]), {}),
                (c.query, ("42",), {}),
                (c.wait, (IDS[0],), {"timeout": math.nan}),
                (c.wait, (IDS[0],), {"timeout": -1}),
                (c.wait, (IDS[0],), {"min_delay": math.inf}),
                (c.submit, (IDS, ["phone"]), {"profile_id": 2 ** 70}),
                (c.redeem, (IDS, ["phone"]), {"batch_size": 0}),
                (c.redeem, (IDS, ["phone"]), {"parallel": 2 ** 40}),
                (c.redeem, (IDS, ["phone"]), {"max_credits": -2 ** 64}),
                (c.plan, (IDS + ["nope"], ["phone"]), {})]:
            with self.subTest(call=call.__name__, args=args, kwargs=kwargs):
                with self.assertRaises(pubrio.InvalidArgument) as ctx:
                    call(*args, **kwargs)
                self.assertIsInstance(ctx.exception, ValueError)
                self.assertNotIsInstance(ctx.exception, TypeError)
                self.assertEqual(ctx.exception.status, "invalid argument")
        with self.assertRaisesRegex(pubrio.InvalidArgument,
                                    "unknown contact type 'fax'"):
            c.submit(IDS, ["phone", "fax"])
        with self.assertRaises(pubrio.InvalidArgument):
            pubrio.Client("k", base_url="ftp://example.com")
        self.assertEqual(self.server.requests(), 0)

    def test_wrong_types_are_invalid_type_and_type_error(self) -> None:
        c = self.client
        for call, args, kwargs in [
                (c.submit, (IDS[0], ["phone"]), {}),      # one string
                (c.submit, (IDS, "phone"), {}),
                (c.submit, (IDS, [3]), {}),
                (c.submit, ([1, 2], ["phone"]), {}),
                (c.submit, (42, ["phone"]), {}),
                (c.submit, (IDS, ["phone"]), {"profile_id": "5"}),
                (c.submit, (IDS, ["phone"]), {"profile_id": True}),
                (c.query, (None,), {}),
                (c.wait, (IDS[0],), {"timeout": "10"}),
                (c.redeem, (IDS, ["phone"]), {"batch_size": 1.5}),
                (c.redeem, (IDS, ["phone"]), {"journal": 3.0}),
                (c.redeem, (IDS, ["phone"]), {"resubmit_uncertain": "yes"}),
                (c.set_header, (b"X".decode(), 5), {}),
                (pubrio.Client, (), {"api_key": 12345}),
                (pubrio.Client, ("k",), {"timeout": [1]}),
                (pubrio.Client, ("k",), {"headers": ["X-A"]})]:
            with self.subTest(call=getattr(call, "__name__", call),
                              args=args, kwargs=kwargs):
                with self.assertRaises(pubrio.InvalidType) as ctx:
                    call(*args, **kwargs)
                self.assertIsInstance(ctx.exception, TypeError)
                self.assertIsInstance(ctx.exception, pubrio.PubrioError)
        self.assertEqual(self.server.requests(), 0)

    def test_a_closed_client_says_so(self) -> None:
        self.client.close()
        self.client.close()  # twice is fine
        for call, args in [(self.client.submit, (IDS, ["phone"])),
                           (self.client.query, (IDS[0],)),
                           (self.client.redeem, (IDS, ["phone"])),
                           (self.client.plan, (IDS, ["phone"]))]:
            with self.subTest(call=call.__name__):
                with self.assertRaisesRegex(pubrio.ClientClosed, "closed"):
                    call(*args)
        self.assertEqual(self.server.requests(), 0)


if __name__ == "__main__":
    unittest.main()
