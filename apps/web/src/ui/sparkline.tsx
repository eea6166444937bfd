/** A small bar chart (SVG) of counts, with an accessible summary. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const max = Math.max(1, ...values);
  const w = 4;
  const h = 40;
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${values.length * w} ${h}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      {values.map((v, i) => {
        const bh = v === 0 ? 1 : Math.max(2, (v / max) * h);
        return (
          <rect key={i} x={i * w} y={h - bh} width={w - 1} height={bh} className={v === 0 ? 'zero' : ''} />
        );
      })}
    </svg>
  );
}
