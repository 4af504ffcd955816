// The boundary every call crosses, from IPC or HTTP: method known, arguments valid, errors shaped.
import * as v from 'valibot';
import { METHODS, type ApiError, type ApiResult, type Method, type ReaderApi } from './contract';
import { ARG_SCHEMAS } from './schemas';

/** ApiFailure: an error a core function throws on purpose, carried to the caller with its code. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
  }
}

const known = new Set<string>(METHODS);

/** isMethod: whether name is a ReaderApi method (guards against `__proto__`, `constructor`, …). */
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && known.has(name);
}

/** dispatch: validate and run one call; never throws. */
export async function dispatch(api: ReaderApi, method: unknown, args: unknown): Promise<ApiResult<unknown>> {
  if (!isMethod(method)) {
    return fail('unknown_method', `ipc: unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
  }
  const parsed = v.safeParse(ARG_SCHEMAS[method], args ?? []);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue?.path?.map((p) => String(p.key)).join('.') || 'arguments';
    return fail('invalid_argument', `ipc: ${method}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  try {
    const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
    const value = await fn.apply(api, parsed.output as unknown[]);
    return { ok: true, value: value ?? null };
  } catch (err) {
    if (err instanceof ApiFailure) return fail(err.code, err.message);
    const message = err instanceof Error ? err.message : String(err);
    return fail('internal', message);
  }
}

function fail(code: ApiError['code'], message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}
