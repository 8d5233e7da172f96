// One call of the AWS SDK for JavaScript v3 against a Cloud Control endpoint, for the Python tests.
//
// Reads a JSON job on stdin, prints one JSON line on stdout and exits 0, whatever the call answered:
//   {"endpoint": URL, "region": R, "action": "send", "operation": "GetResource", "input": {...}}
//   {"endpoint": URL, "region": R, "action": "wait", "input": {"RequestToken": T}, "delay": 1, "maxWaitTime": 30}
//   {"endpoint": URL, "region": R, "action": "paginate", "operation": "ListResources", "input": {...}, "pageSize": 1}
// answers {"output": ...} (send), {"waiter": {"state": ..., "reason": ...}} (wait), {"pages": [...]}
// (paginate), or {"error": {...}} when the SDK threw. A Date in an answer is written {"$date": epoch
// milliseconds}, so the test sees that the SDK parsed a timestamp, not a string. Credentials come from the
// environment the test gives (AWS_ACCESS_KEY_ID, ...), as for any application.
import * as sdk from "@aws-sdk/client-cloudcontrol";

const SENDERS = {
  CancelResourceRequest: sdk.CancelResourceRequestCommand,
  CreateResource: sdk.CreateResourceCommand,
  DeleteResource: sdk.DeleteResourceCommand,
  GetResource: sdk.GetResourceCommand,
  GetResourceRequestStatus: sdk.GetResourceRequestStatusCommand,
  ListResourceRequests: sdk.ListResourceRequestsCommand,
  ListResources: sdk.ListResourcesCommand,
  UpdateResource: sdk.UpdateResourceCommand,
};

const PAGINATORS = {
  ListResourceRequests: sdk.paginateListResourceRequests,
  ListResources: sdk.paginateListResources,
};

function typed(key, value) {
  const raw = this[key]; // before Date.prototype.toJSON made it a string
  return raw instanceof Date ? { $date: raw.getTime() } : value;
}

function described(error) {
  const modeled = sdk[error.name];
  return {
    name: error.name,
    message: error.message,
    // Thrown as the SDK's class for this error, a subclass of the service's base exception.
    typed:
      typeof modeled === "function" &&
      error instanceof modeled &&
      error instanceof sdk.CloudControlServiceException,
    fault: error.$fault ?? null,
    httpStatusCode: error.$metadata?.httpStatusCode ?? null,
    requestId: error.$metadata?.requestId ?? null,
  };
}

async function run(job, client) {
  if (job.action === "send") {
    const output = await client.send(new SENDERS[job.operation](job.input));
    return { output };
  }
  if (job.action === "wait") {
    const waiter = await sdk.waitUntilResourceRequestSuccess(
      { client, minDelay: job.delay, maxDelay: job.delay, maxWaitTime: job.maxWaitTime },
      job.input,
    );
    return { waiter: { state: waiter.state, reason: waiter.reason } };
  }
  if (job.action === "paginate") {
    const pages = [];
    const paginator = PAGINATORS[job.operation]({ client, pageSize: job.pageSize }, job.input);
    for await (const page of paginator) {
      pages.push(page);
    }
    return { pages };
  }
  throw new Error(`unknown action ${JSON.stringify(job.action)}`);
}

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const client = new sdk.CloudControlClient({ endpoint: job.endpoint, region: job.region });
let answer;
try {
  answer = await run(job, client);
} catch (error) {
  answer = { error: described(error) };
}
process.stdout.write(JSON.stringify(answer, typed) + "\n");
