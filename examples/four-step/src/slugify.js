'use strict';

/**
 * Turns a title into a URL slug: lower case, accents removed, words joined by `-`.
 * @param {string} text
 * @param {{ maxLength?: number, separator?: string }} [options]
 * @returns {string}
 */
function slugify(text, options = {}) {
  const separator = options.separator ?? '-';
  const slug = String(text)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^${escape(separator)}+|${escape(separator)}+$`, 'g'), '');
  if (options.maxLength === undefined || slug.length <= options.maxLength) return slug;
  const cut = slug.slice(0, options.maxLength);
  const last = cut.lastIndexOf(separator);
  return last > 0 ? cut.slice(0, last) : cut;
}

/** Whether `text` is already a valid slug. */
function isSlug(text) {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(text);
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = { slugify, isSlug };
