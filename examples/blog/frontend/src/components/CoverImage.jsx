import { useEffect, useState } from "react";

// Loads the cover as a blob so we can show a placeholder while it loads and
// hide the frame entirely when the image is gone.
export default function CoverImage({ name, alt }) {
  const [src, setSrc] = useState(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!name) return undefined;
    let objectUrl = null;
    let cancelled = false;
    async function load() {
      const res = await fetch(`/uploads/${name}`); // expect: missing-proxy-entry
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const blob = await res.blob();
      if (cancelled) return;
      objectUrl = URL.createObjectURL(blob);
      setSrc(objectUrl);
    }
    load().catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [name]);

  if (!name || failed) return null;
  if (!src) return <div className="cover" aria-busy="true" />;
  return <img className="cover" src={src} alt={alt} />;
}
