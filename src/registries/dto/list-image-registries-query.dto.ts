import { PageQueryDto } from '../../common/page-query.dto';

export class ListImageRegistriesQueryDto extends PageQueryDto {}
