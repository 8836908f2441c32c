"""Write a module's EXAMPLES as a task file, with only the API's address changed to the simulator's.

Usage: extract_examples.py MODULE_FILE OUTPUT_FILE
The examples name https://api.together.ai/v1 (the real API) and http://127.0.0.1:8080/v1 (`make simulator`); both
become the test simulator's base URL. Nothing else is changed: the ids, names, keys and options are as written.
"""

import ast
import sys

import yaml

ADDRESSES = ("https://api.together.ai/v1", "http://127.0.0.1:8080/v1")


def examples(path):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "EXAMPLES" for target in node.targets):
            return node.value.value
    raise SystemExit("%s has no EXAMPLES" % path)


def main(module_file, output_file):
    text = examples(module_file)
    for address in ADDRESSES:
        text = text.replace(address, '"{{ together_base_url }}"')
    tasks = yaml.safe_load(text)
    if not isinstance(tasks, list) or not tasks or not all(isinstance(task, dict) and task.get("name") for task in tasks):
        raise SystemExit("%s: EXAMPLES must be a list of named tasks" % module_file)
    with open(output_file, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(len(tasks))


if __name__ == "__main__":
    main(*sys.argv[1:])
