/**
 * @jest-environment ./test/fuzz/process-env.ts
 */
// What goes wrong before an operation's own validation (transport.ts) and inside the
// gateway's parameter parser (gateway-parser.ts), on one platform: a file's platform costs
// seconds of start-up, and the fuzz files share a budget.
import { describeGatewayParser } from './gateway-parser';
import { itStaysAlive, useFuzzPlatform } from './harness';
import { describeTransport } from './transport';

const f = useFuzzPlatform();

describeTransport(f);
describeGatewayParser(f);

itStaysAlive(f);
