// The papers TRL's loss types come from, as TRL's own docstrings cite them: the catalogue's own citation
// where marginlab already has the paper, the rest here.
import type { Citation } from '../../types.js';
import { apoZero } from '../apo-zero.js';
import { bco } from '../bco.js';
import { cpo } from '../cpo.js';
import { dpo } from '../dpo.js';
import { hinge } from '../hinge.js';
import { ipo } from '../ipo.js';
import { nca } from '../nca.js';
import { orpo } from '../orpo.js';
import { robustDpo } from '../robust-dpo.js';
import { simpo } from '../simpo.js';
import { sppo } from '../sppo.js';

const c = (key: string, authors: string, title: string, venue: string, year: number, url: string): Citation => ({ key, authors, title, venue, year, url });

export const CITE: Readonly<Record<string, Citation | undefined>> = {
  dpo: dpo.citation, hinge: hinge.citation, ipo: ipo.citation, nca: nca.citation, robust: robustDpo.citation, bco: bco.citation,
  sppo: sppo.citation, apo: apoZero.citation, cpo: cpo.citation, simpo: simpo.citation, orpo: orpo.citation,
  fdpo: c('wang2024fdpo', 'Wang et al.', 'Beyond Reverse KL: Generalizing Direct Preference Optimization with Diverse Divergence Constraints', 'ICLR', 2024, 'https://arxiv.org/abs/2309.16240'),
  exo: c('ji2024exo', 'Ji et al.', 'Towards Efficient Exact Optimization of Language Model Alignment', 'ICML', 2024, 'https://arxiv.org/abs/2402.00856'),
  aot: c('melnyk2024aot', 'Melnyk et al.', 'Distributional Preference Alignment of LLMs via Optimal Transport', 'NeurIPS', 2024, 'https://arxiv.org/abs/2406.05882'),
  discopop: c('lu2024discopop', 'Lu et al.', 'Discovering Preference Optimization Algorithms with and for Large Language Models', 'NeurIPS', 2024, 'https://arxiv.org/abs/2406.08414'),
  alphapo: c('gupta2025alphapo', 'Gupta et al.', 'AlphaPO: Reward Shape Matters for LLM Alignment', 'ICML', 2025, 'https://arxiv.org/abs/2501.03884'),
};
