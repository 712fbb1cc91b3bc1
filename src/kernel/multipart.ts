// A small reader of multipart/form-data (RFC 7578): the DCC verifier sends a QR image, application
// forms send attachments. The whole body is already in memory (bounded by the route's body limit),
// so it is split, not streamed. Anything malformed yields undefined, never an exception.

export interface MultipartFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, MultipartFile>;
}

const MAX_PARTS = 20;

/** The boundary of a multipart/form-data content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

/** Parses a multipart/form-data body; undefined when it is not well formed. */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: Object.create(null) as Record<string, string>, files: Object.create(null) as Record<string, MultipartFile> };
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (let parts = 0; parts <= MAX_PARTS; parts += 1) {
    at += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return form;
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) return undefined;
    at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) return undefined;
    const headers = body.subarray(at, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) return undefined;
    const content = body.subarray(headerEnd + 4, next);
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    if (filename !== undefined) {
      const contentType = /^content-type:\s*([^\r\n;]+)/im.exec(headers)?.[1]?.trim().toLowerCase() ?? 'application/octet-stream';
      form.files[name] = { filename, contentType, data: Buffer.from(content) };
    } else {
      form.fields[name] = content.toString('utf8');
    }
    at = next + 2;
  }
  return undefined;
}
