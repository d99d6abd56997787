import { nearestCommonAncestorPath } from './conflict.service';

describe('nearestCommonAncestorPath', () => {
  it('is the longest common prefix of whole ids, never shorter than the root', () => {
    expect(nearestCommonAncestorPath('/c/d1/z1/', '/c/d1/z2/')).toBe('/c/d1/');
    expect(nearestCommonAncestorPath('/c/d1/z1/', '/c/d2/z1/')).toBe('/c/');
    expect(nearestCommonAncestorPath('/c/d1/', '/c/d1/z1/')).toBe('/c/d1/');
    expect(nearestCommonAncestorPath('/c/d1/z1/', '/c/d1/z1/')).toBe('/c/d1/z1/');
    // Ids that share a text prefix are different units.
    expect(nearestCommonAncestorPath('/c/d1/', '/c/d10/')).toBe('/c/');
    expect(nearestCommonAncestorPath('/a/', '/b/')).toBe('/a/');
  });

  it('folds over many paths in any order to the same unit', () => {
    const paths = ['/c/d1/z1/', '/c/d1/z2/', '/c/d2/z3/', '/c/gx/'];
    const forward = paths.reduce((a, b) => nearestCommonAncestorPath(a, b));
    const backward = [...paths].reverse().reduce((a, b) => nearestCommonAncestorPath(a, b));
    expect(forward).toBe('/c/');
    expect(backward).toBe(forward);
  });
});
