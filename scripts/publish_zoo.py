"""Publishes zoo entries on the Hugging Face Hub and pins them in the hosted registry.

An entry is published in two steps, by a maintainer with a Hugging Face token:

    python scripts/publish_zoo.py upload dcgan_fashion_mnist      # hf://kerasgan/<name>
    python scripts/publish_zoo.py pin dcgan_fashion_mnist         # kerasgan/zoo/hosted.json

`upload` sends the entry's preset folder (zoo/<name>/) as the files of the model
repository `<owner>/<name>`; `pin` records its address and the sha256 of its
metadata.json (which pins every other file) in `kerasgan/zoo/hosted.json`, which the
package ships. Once pinned, the folder can leave the package: `kerasgan.zoo.load(name)`
downloads it once into the cache, checked. docs/zoo.md ("Hosting") has the details.
"""

import argparse
import json
import sys

from kerasgan.utils.files import atomic_path
from kerasgan.zoo import hosted
from kerasgan.zoo import registry


def upload(names, owner):
    import huggingface_hub

    api = huggingface_hub.HfApi()
    for name in names:
        repo_id = f"{owner}/{name}"
        api.create_repo(repo_id, exist_ok=True)
        api.upload_folder(repo_id=repo_id, folder_path=registry.resolve(name))
        print(f"uploaded {name} to hf://{repo_id}")


def pin(names, owner):
    records = dict(hosted.entries())
    for name in names:
        records[name] = registry.hosted_record(name, f"hf://{owner}/{name}")
        print(f"pinned {name}: {records[name]['url']} sha256 {records[name]['sha256']}")
    with atomic_path(hosted.REGISTRY) as tmp:
        tmp.write_text(json.dumps(dict(sorted(records.items())), indent=2) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["upload", "pin"])
    parser.add_argument("names", nargs="+", help="installed zoo entries")
    parser.add_argument("--owner", default="kerasgan", help="Hugging Face user or org")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(registry.installed_names()))
    if unknown:
        sys.exit(f"Not installed zoo entries: {', '.join(unknown)}.")
    {"upload": upload, "pin": pin}[args.action](args.names, args.owner)


if __name__ == "__main__":
    main()
