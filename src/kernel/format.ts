// Mongolian locale conventions shared by pages, documents and messages: ₮ amounts as whole tögrög,
// dates as yyyy.MM.dd, times in Ulaanbaatar time, numbers grouped with commas.

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Groups digits: 1234567 -> "1,234,567" (the same in Mongolian and English). */
export function formatNumber(value: number): string {
  return grouping.format(value);
}

/**
 * A fee in tögrög: "18,300₮". The tögrög's minor unit (möngö) has not circulated for decades and
 * every state fee is set in whole tögrög, so amounts are integers of tögrög throughout.
 */
export function formatMnt(amount: number): string {
  return `${formatNumber(amount)}₮`;
}

export const UB_TIME_ZONE = 'Asia/Ulaanbaatar';

const dateParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: UB_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const timeParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: UB_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A date as Mongolia writes it, yyyy.MM.dd, in Ulaanbaatar time. */
export function formatDate(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return dateParts.format(date).replaceAll('-', '.');
}

/** yyyy.MM.dd HH:mm in Ulaanbaatar time. */
export function formatDateTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return `${formatDate(date)} ${timeParts.format(date)}`;
}

/** The ISO date (yyyy-MM-dd) in Ulaanbaatar time, for machine-readable attributes. */
export function isoDate(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return dateParts.format(date);
}

