import { Identity } from '../../src/bijectors/identity.js';
import { Permutation } from '../../src/bijectors/permutation.js';
import { Chain } from '../../src/bijectors/chain.js';
import { Invert } from '../../src/bijectors/invert.js';
import { MaskedAutoregressive } from '../../src/bijectors/maskedAutoregressive.js';
import { Coupling, halfMask } from '../../src/bijectors/coupling.js';
import type { Bijector } from '../../src/bijectors/bijector.js';
import { diagonal, lowerTriangular, type BijectorCase } from './types.js';

/** Coupling structure: pass-through rows are identity rows; transformed dims see no other transformed dim. */
export function couplingStructure(b: Bijector, dim: number): boolean[][] {
  const mask = (b as Coupling).mask;
  return Array.from({ length: dim }, (_, i) =>
    Array.from({ length: dim }, (_, j) => (mask[i] === 1 ? j !== i : mask[j] === 0 && j !== i)),
  );
}

const small = [16, 16];

export const coreCases: BijectorCase[] = [
  { name: 'Identity', conditional: false, make: () => new Identity(), structure: diagonal },
  {
    name: 'Permutation(random)',
    conditional: false,
    make: ({ dim, seed }) => Permutation.random(dim, seed),
  },
  {
    name: 'MaskedAutoregressive(affine) [MAF layer]',
    conditional: true,
    make: ({ dim, contextDim, seed }) => new MaskedAutoregressive({ dim, contextDim, hidden: small, seed }),
    structure: lowerTriangular,
  },
  {
    name: 'Invert(MaskedAutoregressive) [IAF layer]',
    conditional: true,
    make: ({ dim, contextDim, seed }) => new Invert(new MaskedAutoregressive({ dim, contextDim, hidden: small, seed })),
    structure: lowerTriangular,
  },
  {
    name: 'Coupling(affine) [RealNVP layer]',
    conditional: true,
    make: ({ dim, contextDim, seed }) =>
      new Coupling({ dim, contextDim, hidden: small, mask: dim === 1 ? [0] : halfMask(dim, seed % 2 === 1), seed }),
    structure: couplingStructure,
  },
  {
    name: 'Chain(MAF, Permutation, RealNVP)',
    conditional: true,
    make: ({ dim, contextDim, seed }) =>
      new Chain([
        new MaskedAutoregressive({ dim, contextDim, hidden: small, seed }),
        Permutation.reverse(dim),
        new Coupling({ dim, contextDim, hidden: small, mask: dim === 1 ? [0] : undefined, seed: seed + 1 }),
      ]),
  },
];
