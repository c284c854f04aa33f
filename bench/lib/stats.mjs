// Summaries used by every benchmark: percentiles over raw samples, medians over rounds.

/** The p-th percentile (0 to 100) of the samples, nearest-rank method. */
export function percentile(samples, p) {
  if (samples.length === 0) {
    return Number.NaN;
  }
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values) {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) {
    return Number.NaN;
  }
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `value / reference`, two decimals, or "n/a" when either is missing. */
export function ratio(value, reference) {
  if (!Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) {
    return 'n/a';
  }
  return (value / reference).toFixed(2);
}

/** A number for a table: fixed decimals, thousands separated, "n/a" when missing. */
export function formatNumber(value, decimals = 0) {
  if (!Number.isFinite(value)) {
    return 'n/a';
  }
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}
