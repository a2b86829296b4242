// Drives the TypeScript (fetch) client generated from docs/openapi.json (GeneratedClientsTest).
// tsc compiles it with the client, so a client whose types do not fit this use fails to compile.
//
//   node check.js create BASE_URL API_KEY INTEGRATION_ID UID
//   node check.js read BASE_URL API_KEY INTEGRATION_ID UID OTHER_INTEGRATION_ID
//   node check.js parse WEBHOOKS_FILE
//
// Prints what the client returned, as JSON (the wire's field names), for the test to compare.
import * as credence from './index';

// Node's own globals: the client needs no type packages beyond TypeScript's DOM library.
declare const process: { argv: string[]; exitCode?: number; stdout: { write(text: string): boolean } };
declare function require(module: 'fs'): { readFileSync(path: string, encoding: 'utf-8'): string };

function configuration(baseUrl: string, apiKey: string): credence.Configuration {
  return new credence.Configuration({ basePath: baseUrl, apiKey: () => apiKey });
}

async function create(baseUrl: string, apiKey: string, integrationId: string, uid: string) {
  const sessions = new credence.SessionsApi(configuration(baseUrl, apiKey));
  const made = await sessions.createSession({ createSessionRequest: { uid, integrationId } });
  return credence.CreateSessionResponseToJSON(made);
}

/** A documented error as the client raises it: the status and the code of its body, read with its model. */
async function refusal(call: () => Promise<unknown>, model: (json: unknown) => { code: string }) {
  try {
    await call();
  } catch (e) {
    if (e instanceof credence.ResponseError) {
      const body = model(await e.response.json());
      return { status: e.response.status, code: body.code };
    }
    throw e;
  }
  throw new Error('the call was not refused');
}

async function read(baseUrl: string, apiKey: string, integrationId: string, uid: string, otherIntegrationId: string) {
  const config = configuration(baseUrl, apiKey);
  const results = new credence.ResultsApi(config);
  const sessions = new credence.SessionsApi(config);
  return {
    result: credence.ResultToJSON(await results.getResult({ uid })),
    page: credence.ResultPageToJSON(await results.listResults({ limit: 10 })),
    webhook_test: credence.WebhookTestDeliveredToJSON(await new credence.WebhooksApi(config).testWebhook()),
    refusals: [
      await refusal(() => results.getResult({ uid: 'CUST-NEVER-SEEN' }), credence.ResultNotFoundErrorFromJSON),
      await refusal(
        () => sessions.createSession({ createSessionRequest: { uid: '1990-01-15', integrationId } }),
        credence.SessionRequestInvalidErrorFromJSON),
      await refusal(
        () => sessions.createSession({ createSessionRequest: { uid: uid + '-2', integrationId: otherIntegrationId } }),
        credence.IntegrationForbiddenErrorFromJSON),
    ],
  };
}

/** Each webhook body read with its generated model and written back. */
function parse(webhooksFile: string) {
  const webhooks = JSON.parse(require('fs').readFileSync(webhooksFile, 'utf-8')) as { model: string; body: string }[];
  const models = credence as unknown as Record<string, (json: unknown) => unknown>;
  return webhooks.map((w) => models[w.model + 'ToJSON'](models[w.model + 'FromJSON'](JSON.parse(w.body))));
}

async function main(step: string, args: string[]): Promise<unknown> {
  switch (step) {
    case 'create':
      return create(args[0], args[1], args[2], args[3]);
    case 'read':
      return read(args[0], args[1], args[2], args[3], args[4]);
    case 'parse':
      return parse(args[0]);
    default:
      throw new Error('no step ' + step);
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (out) => process.stdout.write(JSON.stringify(out) + '\n'),
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
