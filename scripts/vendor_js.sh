#!/usr/bin/env bash
# Vendor the JavaScript the web workspace ships: Cytoscape.js (MIT), from the npm registry.
#
#   scripts/vendor_js.sh            # the pinned version below
#   scripts/vendor_js.sh 3.35.1     # another version (then commit the files it writes)
#
# Writes src/sourcetrace/web/static/vendor/cytoscape/{cytoscape.min.js,LICENSE,README.md}. The
# files are committed: the app serves them itself and never downloads anything (closed networks).
# `npm pack` checks the tarball against the integrity hash the registry publishes for it.
set -euo pipefail

VERSION="${1:-3.35.0}"
PACKAGE="cytoscape"
top="$(cd "$(dirname "$0")/.." && pwd)"
dest="$top/src/sourcetrace/web/static/vendor/cytoscape"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
tar -xzf "$work/$PACKAGE-$VERSION.tgz" -C "$work"
version="$(node -p "require('$work/package/package.json').version")"
license="$(node -p "require('$work/package/package.json').license")"
[ "$version" = "$VERSION" ] || { echo "npm gave $PACKAGE $version, not $VERSION" >&2; exit 1; }

mkdir -p "$dest"
cp "$work/package/dist/cytoscape.min.js" "$dest/cytoscape.min.js"
cp "$work/package/LICENSE" "$dest/LICENSE"
sha="$(sha256sum "$dest/cytoscape.min.js" | cut -d' ' -f1)"
cat >"$dest/README.md" <<EOF
# Cytoscape.js $version (vendored)

- npm package: \`$PACKAGE@$version\` (https://www.npmjs.com/package/$PACKAGE), file \`dist/cytoscape.min.js\`
- licence: $license (see \`LICENSE\`, copied from the package)
- sha256 of \`cytoscape.min.js\`: \`$sha\`

Draws the supply-chain map of the web workspace (\`/chains/{id}\`). Made by
\`scripts/vendor_js.sh $version\`; do not edit these files by hand.
EOF
echo "vendored $PACKAGE $version ($license) into ${dest#"$top"/}"
