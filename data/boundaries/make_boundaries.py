"""Make the regional country outlines in this folder from world-atlas (Natural Earth).

Not needed at build time: the book reads the GeoJSON this script wrote. Run it again only
to rebuild that file, with the standard library alone:

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python data/boundaries/make_boundaries.py /tmp/package/countries-50m.json \
        data/boundaries/countries-50m-east-southeast-asia.geojson

What it does (see README.md in this folder):

1. reads the TopoJSON topology `countries-50m.json` of the npm package world-atlas 2.0.2
   (Natural Earth 4.1.0 Admin 0 countries, 1:50m);
2. decodes the quantized, delta-encoded arcs into longitude/latitude;
3. keeps every country with at least one vertex inside the frame
   lon FRAME_LON, lat FRAME_LAT (countries are kept whole, never clipped);
4. adds `iso3` (ISO 3166-1 alpha-3, from the numeric id via ISO_N3_TO_A3 below),
   `iso_n3` and `name`;
5. rounds coordinates to ROUND_DIGITS decimals, drops repeated points, and writes a
   GeoJSON FeatureCollection sorted by iso3.

Ring winding is kept as topojson-client would produce it (d3/Vega convention: exterior
rings clockwise), which is what Vega-Lite's geoshape expects. It is the opposite of the
RFC 7946 recommendation: do not "rewind" the file.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

FRAME_LON = (88.0, 135.0)
FRAME_LAT = (-10.0, 42.0)
ROUND_DIGITS = 3

# ISO 3166-1 numeric -> alpha-3, for the countries that can fall in the frame.
# A selected country missing here stops the script, so nothing is silently dropped.
ISO_N3_TO_A3 = {
    "050": "BGD", "064": "BTN", "096": "BRN", "104": "MMR", "116": "KHM",
    "144": "LKA", "156": "CHN", "158": "TWN", "344": "HKG", "356": "IND",
    "360": "IDN", "392": "JPN", "408": "PRK", "410": "KOR", "418": "LAO",
    "446": "MAC", "458": "MYS", "462": "MDV", "496": "MNG", "524": "NPL",
    "585": "PLW", "598": "PNG", "608": "PHL", "626": "TLS", "702": "SGP",
    "704": "VNM", "764": "THA", "036": "AUS", "580": "MNP", "316": "GUM",
}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (TopoJSON spec 2.1.5, quantized arcs)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def ring_coords(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Stitch a ring's arcs (a negative index ~i means arc i reversed), as topojson-client does."""
    pts: list[tuple[float, float]] = []
    for i in ring:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])  # consecutive arcs share their joint point
    return pts


def polygons_of(geom: dict) -> list[list[list[int]]]:
    if geom["type"] == "Polygon":
        return [geom["arcs"]]
    if geom["type"] == "MultiPolygon":
        return geom["arcs"]
    raise ValueError(f"unexpected geometry type {geom['type']!r}")


def in_frame(lon: float, lat: float) -> bool:
    return FRAME_LON[0] <= lon <= FRAME_LON[1] and FRAME_LAT[0] <= lat <= FRAME_LAT[1]


def round_ring(pts: list[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in pts:
        p = [round(lon, ROUND_DIGITS), round(lat, ROUND_DIGITS)]
        if not out or p != out[-1]:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("topology", type=Path, help="world-atlas countries-50m.json (or -110m)")
    ap.add_argument("output", type=Path, help="GeoJSON file to write")
    args = ap.parse_args(argv)

    topology = json.loads(args.topology.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        polys = [[ring_coords(r, arcs) for r in poly] for poly in polygons_of(geom)]
        if not any(in_frame(*p) for poly in polys for ring in poly for p in ring):
            continue
        n3 = geom.get("id")
        name = geom["properties"]["name"]
        if n3 not in ISO_N3_TO_A3:
            sys.exit(f"{name!r} (id {n3!r}) is in the frame but has no ISO alpha-3 mapping")
        rounded = []
        for poly in polys:
            rings = [round_ring(r) for r in poly]
            rings = [r for r in rings if len(r) >= 4]  # drop rings that rounding collapsed
            if rings:
                rounded.append(rings)
        features.append({
            "type": "Feature",
            "id": ISO_N3_TO_A3[n3],
            "properties": {"iso3": ISO_N3_TO_A3[n3], "iso_n3": n3, "name": name},
            "geometry": {"type": "MultiPolygon", "coordinates": rounded},
        })
    features.sort(key=lambda f: f["properties"]["iso3"])
    iso3s = [f["properties"]["iso3"] for f in features]
    if len(set(iso3s)) != len(iso3s):
        sys.exit(f"duplicate iso3 among {iso3s}")
    fc = {
        "type": "FeatureCollection",
        "name": "countries-50m-east-southeast-asia",
        "source": "Natural Earth 4.1.0 Admin 0 countries 1:50m via npm world-atlas 2.0.2 "
                  "(countries-50m.json); public domain. See README.md.",
        "features": features,
    }
    args.output.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n",
                           encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes): {', '.join(iso3s)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
