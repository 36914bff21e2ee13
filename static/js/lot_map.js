// A lot's buildings on a map, coloured by class (no tiles needed); each point's popup names
// its class in words, so the colour is never the only sign.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("lot-map");
  const data = document.getElementById("lot-points");
  if (!el || !data || typeof L === "undefined") return;
  const colours = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828", unassessed: "#9e9e9e" };
  const labelsNode = document.getElementById("lot-class-labels");
  const labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  const points = JSON.parse(data.textContent);
  const map = L.map(el, { preferCanvas: true });
  const bounds = [];
  for (const [id, lat, lon, cls] of points) {
    const link = document.createElement("a");
    link.href = el.dataset.buildingUrl.replace("/0/", `/${id}/`);
    link.textContent = `${el.dataset.labelOpen || id}${labels[cls] ? ` (${labels[cls]})` : ""}`;
    L.circleMarker([lat, lon], { radius: 4, weight: 0.5, color: "#333", fillColor: colours[cls], fillOpacity: 0.85 })
      .bindPopup(link).addTo(map);
    bounds.push([lat, lon]);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [10, 10] });
});
