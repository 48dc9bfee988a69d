"""Real Serve deployments the tests put in a pipeline through the `custom` kind: EchoLLM stands
in for an llm stage (the real one needs vLLM: the testbed's cluster test runs it) and answers
like one, `{"answer", "origin"}`; PlainCallable takes requests in `__call__` and answers a list.
"""
import asyncio


class EchoLLM:
    def __init__(self, origin: str, delay_s: float = 0.0, fail: bool = False):
        self.origin = origin
        self.delay_s = delay_s
        self.fail = fail

    async def handle_request(self, payload: dict) -> dict:
        await asyncio.sleep(self.delay_s)
        if self.fail:
            raise RuntimeError(f"{self.origin} is out of order")
        prompt = payload.get("prompt") or " ".join(m["content"] for m in payload.get("messages", []))
        return {"answer": f"[{self.origin}] {prompt}", "origin": self.origin, "seen": payload}


class PlainCallable:
    def __init__(self, scale: int = 1):
        self.scale = scale

    def __call__(self, payload: dict):
        return [self.scale * x for x in payload.get("numbers", [])]
