/** The mark: a plain shield, drawn inline (no image request, nothing remote). */
export function Brand(props: { subtitle?: string }) {
  return (
    <div className="brand">
      <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 2.5 4 5.5v6.1c0 4.6 3.3 8.6 8 9.9 4.7-1.3 8-5.3 8-9.9V5.5l-8-3Z" />
        <path className="brand-mark-inner" d="M12 6.2 7.5 7.9v3.8c0 2.8 1.9 5.3 4.5 6.2V6.2Z" />
      </svg>
      <div className="brand-text">
        <span className="brand-name">Rampart</span>
        {props.subtitle && <span className="brand-sub">{props.subtitle}</span>}
      </div>
    </div>
  );
}
