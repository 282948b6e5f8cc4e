'use strict';

/** Clamps `value` into [min, max]. */
function clamp(value, min, max) {
  return value < min ? min : value;
}

module.exports = { clamp };
