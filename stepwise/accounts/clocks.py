"""The two clocks a signed-in session keeps, as `time.time()` values in the session.

`session_timeout.py` sets and checks them; `device.py` reads them for a remembered device.
"""

STARTED = "_stepwise_started"  # when the session signed in (absolute lifetime)
SEEN = "_stepwise_seen"  # the last activity (idle timeout, the PIN lock)
