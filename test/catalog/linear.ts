import * as tf from '@tensorflow/tfjs';
import { LULinear } from '../../src/bijectors/linear/luLinear.js';
import { ActNorm } from '../../src/bijectors/norm/actNorm.js';
import { BatchNorm } from '../../src/bijectors/norm/batchNorm.js';
import { diagonal, type BijectorCase } from './types.js';

/** Linear and normalisation bijectors (affine maps, defined on all of R^d). */
export const linearCases: BijectorCase[] = [
  {
    name: 'LULinear',
    conditional: false,
    make: ({ dim, seed }) => new LULinear({ dim, seed }),
  },
  {
    name: 'ActNorm(initialised from a batch)',
    conditional: false,
    make: ({ dim }) => new ActNorm({ dim }),
    structure: diagonal,
    prepare: (b, sample) => {
      const data = tf.tidy(() => tf.add(tf.mul(sample(64), 3), 2) as tf.Tensor2D);
      (b as ActNorm).initialize(data);
      data.dispose();
    },
  },
  {
    name: 'BatchNorm(eval, after training batches)',
    conditional: false,
    make: ({ dim }) => new BatchNorm({ dim, momentum: 0.3 }),
    structure: diagonal,
    prepare: (b, sample) => {
      for (let k = 0; k < 4; k++) {
        tf.tidy(() => {
          b.inverse(tf.add(tf.mul(sample(32), 2.5), -1) as tf.Tensor2D);
        });
      }
      b.eval();
    },
  },
];
