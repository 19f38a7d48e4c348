/** A journey API success: `{ data, error: "", statusCode }` with the endpoint's own code. */
export function journeyOk(data: unknown, statusCode: string, httpStatus = 200) {
  return { statusCode: httpStatus, body: { data, error: '', statusCode } };
}
