/** The gRPC status a call ended with (code 0 when it succeeded), for asserting refusals. */
export async function statusOf(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
    return { code: 0, details: '' };
  } catch (e) {
    return e as { code: number; details: string };
  }
}
