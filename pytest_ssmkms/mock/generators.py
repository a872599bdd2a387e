"""``@mock_ssm_kms()`` on generator and async generator functions.

A generator's body runs a piece at a time, each time its consumer resumes it: the mock is
active while the body runs (every resume, and its ``finally`` blocks when it is closed) and
not while it waits at a ``yield``, so the consumer's own calls between two items are not
answered by the generator's mock. One world per call of the function, from the first resume
to the end, so what one resume created is there in the next.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any, Protocol


class Activation(Protocol):
    def start(self) -> Any: ...

    def stop(self) -> None: ...

    def _suspend(self) -> None: ...

    def _resume(self) -> None: ...


def wrap_generator(
    func: Callable[..., Generator[Any, Any, Any]],
    fresh: Callable[[], Activation],
    before: Callable[[], None],
) -> Callable[..., Generator[Any, Any, Any]]:
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        before()
        mock = fresh()
        mock.start()
        try:
            inner = func(*args, **kwargs)
            sent: Any = None
            thrown: BaseException | None = None
            while True:
                try:
                    item = inner.send(sent) if thrown is None else inner.throw(thrown)
                except StopIteration as stop:
                    return stop.value
                finally:
                    sent, thrown = None, None
                mock._suspend()
                try:
                    sent = yield item
                except GeneratorExit:
                    mock._resume()
                    inner.close()  # its finally blocks run inside the mock
                    raise
                except BaseException as error:  # noqa: BLE001 - thrown in: passed to the body
                    thrown = error
                mock._resume()
        finally:
            mock.stop()

    return run


def wrap_async_generator(
    func: Callable[..., AsyncGenerator[Any, Any]],
    fresh: Callable[[], Activation],
    before: Callable[[], None],
) -> Callable[..., AsyncGenerator[Any, Any]]:
    @functools.wraps(func)
    async def run(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        before()
        mock = fresh()
        mock.start()
        try:
            inner = func(*args, **kwargs)
            sent: Any = None
            thrown: BaseException | None = None
            while True:
                try:
                    if thrown is None:
                        item = await inner.asend(sent)
                    else:
                        item = await inner.athrow(thrown)
                except StopAsyncIteration:
                    return
                finally:
                    sent, thrown = None, None
                mock._suspend()
                try:
                    sent = yield item
                except GeneratorExit:
                    mock._resume()
                    await inner.aclose()
                    raise
                except BaseException as error:  # noqa: BLE001 - thrown in: passed to the body
                    thrown = error
                mock._resume()
        finally:
            mock.stop()

    return run
