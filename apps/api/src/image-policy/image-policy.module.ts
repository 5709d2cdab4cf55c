import { Module } from '@nestjs/common';
import { ResourceModule } from '../resource.module';
import { ImagePolicyController } from './image-policy.controller';
import { ImagePolicyService } from './image-policy.service';

@Module({
  imports: [ResourceModule],
  controllers: [ImagePolicyController],
  providers: [ImagePolicyService],
})
export class ImagePolicyModule {}
