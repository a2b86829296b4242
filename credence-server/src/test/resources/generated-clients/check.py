"""Drives the Python client generated from docs/openapi.json (GeneratedClientsTest).

  check.py create BASE_URL API_KEY INTEGRATION_ID UID
  check.py read BASE_URL API_KEY INTEGRATION_ID UID OTHER_INTEGRATION_ID
  check.py parse WEBHOOKS_FILE

Prints what the client returned, as JSON, for the test to compare with the wire.
"""
import json
import sys

import credence_client as credence
from credence_client.exceptions import ApiException


def api(base_url, api_key):
    return credence.ApiClient(credence.Configuration(host=base_url, api_key={"ApiKey": api_key}))


def create(base_url, api_key, integration_id, uid):
    with api(base_url, api_key) as client:
        request = credence.CreateSessionRequest(uid=uid, integration_id=integration_id)
        return credence.SessionsApi(client).create_session(request).to_dict()


def refusal(call):
    """A documented error as the client raises it: status, the generated model, the code."""
    try:
        call()
    except ApiException as e:
        return {"status": e.status, "model": type(e.data).__name__, "code": e.data.code}
    raise AssertionError("the call was not refused")


def read(base_url, api_key, integration_id, uid, other_integration_id):
    with api(base_url, api_key) as client:
        results = credence.ResultsApi(client)
        sessions = credence.SessionsApi(client)
        return {
            "result": results.get_result(uid).to_dict(),
            "page": results.list_results(limit=10).to_dict(),
            "webhook_test": credence.WebhooksApi(client).test_webhook().to_dict(),
            "refusals": [
                refusal(lambda: results.get_result("CUST-NEVER-SEEN")),
                refusal(lambda: sessions.create_session(
                    credence.CreateSessionRequest(uid="1990-01-15", integration_id=integration_id))),
                refusal(lambda: sessions.create_session(
                    credence.CreateSessionRequest(uid=uid + "-2", integration_id=other_integration_id))),
            ],
        }


def parse(webhooks_file):
    """Each webhook body read with its generated model and written back."""
    with open(webhooks_file, encoding="utf-8") as f:
        webhooks = json.load(f)
    return [getattr(credence, w["model"]).from_json(w["body"]).to_dict() for w in webhooks]


if __name__ == "__main__":
    step, args = sys.argv[1], sys.argv[2:]
    print(json.dumps({"create": create, "read": read, "parse": parse}[step](*args)))
