/** Exact's .NET US date format in its error texts: `M/d/yyyy h:mm:ss tt`, in UTC (facts sheet §1.5). */
export function formatExactDateTime(epochMs: number): string {
  const date = new Date(epochMs);
  const hours = date.getUTCHours();
  const twoDigits = (n: number): string => String(n).padStart(2, '0');
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}`;
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${clock} ${hours < 12 ? 'AM' : 'PM'}`;
}
