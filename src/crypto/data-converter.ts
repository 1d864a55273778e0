import { join } from 'node:path';
import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Absolute path of the module exporting chainkeeper's `failureConverter` (given by path: it runs in the sandbox). */
export const FAILURE_CONVERTER_PATH = join(import.meta.dirname, 'failure-converter.ts');

/**
 * The data converter every chainkeeper client and worker uses: payloads and failure messages go through `codec`.
 * Clients and workers must share it, or one side sees `binary/encrypted` payloads it cannot read.
 */
export function createDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
