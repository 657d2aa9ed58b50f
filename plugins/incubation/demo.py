from core import DemoContext, Manifest


async def load(context: DemoContext, manifest: Manifest) -> None:
    return None
